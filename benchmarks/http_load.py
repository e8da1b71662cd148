"""Pages under HTTP load (wrk): through nginx's page cache and straight from gunicorn,
each beside the machine's upper bound for the same bytes.

    .venv/bin/python -m portal.devstack exec -- .venv/bin/python benchmarks/http_load.py
    options: --duration 10 --warmup 2 --threads 2 --connections 32 --pages home,article,search
             --workers 3 --worker-class sync --worker-threads 1 --no-access-log --gzip

Needs Debian's wrk and nginx (`apt-get install wrk nginx-light`). It uses its own
database (portal_bench_http, dropped at the end) with the demo data, on the PostgreSQL
server of DATABASE_URL, and the Redis of REDIS_URL (the devstack gives both).

The portal runs as in production: portal.settings.production (DEBUG off, WhiteNoise;
collectstatic into a temporary directory, with hashed names but uncompressed;
SECURE_SSL_REDIRECT off as for a plain-HTTP trial) under gunicorn with the Dockerfile's
options (3 sync workers, --worker-tmp-dir /dev/shm, an access log, here to a file), plus
one route of the benchmark's own (benchmarks/http_load_urls.py): a bare view that
returns a page's bytes from memory. nginx runs as a child process with deploy/nginx.conf
itself, rewritten only where it names the machine (paths, ports, the upstream's
address; no access log but of the responses that should not happen, which fail the
run) and given one more location that serves the fetched pages as static files. A
change to the deployed file that the rewriting no longer recognises stops the benchmark.

For each page (the home page /fr/, a guide article, the directory search
/fr/services/?q=santé) wrk -t2 -c32 -d10s measures, after warming up in 2 s runs until
the rate settles (each gunicorn worker's first requests of a page take seconds):

1. nginx serving the page's bytes as a static file: the machine's upper bound;
2. nginx with its page cache (the first request fills it; then every response a HIT);
3. gunicorn straight, the bare view returning the same bytes: Django's floor;
4. gunicorn straight, the page itself;
5. nginx with a csrftoken cookie, which bypasses the cache (what a signed-in reader meets).

Targets on a 2-core machine: (2) >= 0.5 x (1) and (4) >= 0.5 x (3). Beside requests/s
and latency it gives the CPU time nginx and gunicorn spent per response, which other
work on the machine changes much less than throughput. It prints a markdown table for
the README. It fails (exit 1), whatever the figures, when a response was not a 200 with
the page's bytes, when wrk met socket errors, when the cached run was not served from
the cache or the cookie run was, or when the five ways do not give the same body.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import http.client
import json
import os
import platform
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from benchdb import bench_database_url, machine, server_sql  # noqa: E402 - beside this script

DATABASE = "portal_bench_http"
NGINX_CONF = BASE_DIR / "deploy" / "nginx.conf"
TARGET_RATIO = 0.5
INSTALL_HINT = "Install with: apt-get install wrk nginx-light"
# A cookie that bypasses nginx's cache (deploy/nginx.conf) and that Django accepts as
# is: a well-formed CSRF secret, so the response is the same page.
BYPASS_COOKIE = "csrftoken=" + "b" * 32
# Every request names the same host, whichever port it goes to: nginx passes on the host
# without the port, and pages carry absolute links built from it.
HOST = ("Host", "127.0.0.1")

WRK_REPORT = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "HTTP_LOAD {\"requests\": %.0f, \"duration_us\": %.0f, \"bytes\": %.0f, " ..
    "\"connect\": %.0f, \"read\": %.0f, \"write\": %.0f, \"status\": %.0f, " ..
    "\"timeout\": %.0f, \"p50_us\": %.0f, \"p99_us\": %.0f, \"max_us\": %.0f}\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
"""


class BenchError(Exception):
    """A failed check: printed, and the benchmark exits 1."""


@dataclass
class Page:
    name: str
    label: str
    path: str
    body: bytes = b""
    # Status line + headers + body of one response, by mode: what wrk should count.
    response_bytes: dict[str, int] = field(default_factory=dict)


@dataclass
class Mode:
    key: str
    label: str
    server: str  # "nginx" or "gunicorn"
    headers: tuple[tuple[str, str], ...] = ()


MODES = (
    Mode("static", "nginx, static file (upper bound)", "nginx"),
    Mode("cached", "nginx page cache (HIT)", "nginx"),
    Mode("bare", "gunicorn, bare view, same bytes", "gunicorn"),
    Mode("django", "gunicorn, the page", "gunicorn"),
    Mode(
        "bypass", "nginx → gunicorn, cookie: cache bypassed", "nginx", (("Cookie", BYPASS_COOKIE),)
    ),
)


@dataclass
class Result:
    requests: int
    seconds: float
    bytes: int
    errors: dict[str, int]
    p50_ms: float
    p99_ms: float
    max_ms: float
    # CPU time nginx and gunicorn (all their processes) used during the run: what a
    # response costs the servers, whatever else the machine was doing.
    server_cpu: float = 0.0
    cores: float = 0.0  # how many cores the servers used, on average

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.server_cpu / max(self.requests, 1)


# --- Tools and machine -------------------------------------------------------------------------


def tool(name: str) -> str | None:
    """The path of a program, also in the sbin directories a non-root PATH lacks."""
    found = shutil.which(name)
    if found:
        return found
    for directory in ("/usr/sbin", "/sbin", "/usr/local/sbin"):
        candidate = Path(directory) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def version(command: list[str]) -> str:
    completed = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    text = (completed.stdout + completed.stderr).strip().splitlines()
    return text[0] if text else "?"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes and their children, so far."""
    import psutil

    total = 0.0
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            parent = psutil.Process(pid)
            for process in (parent, *parent.children(recursive=True)):
                with contextlib.suppress(psutil.NoSuchProcess):
                    times = process.cpu_times()
                    total += times.user + times.system
    return total


def settle(pids: list[int], *, limit: float = 180) -> None:
    """Wait until these servers are idle. When wrk stops, the requests it leaves queued
    at gunicorn are still answered, to closed connections, one after the other: the next
    run must not start behind them (a sync worker does not notice that its client left)."""
    deadline = time.monotonic() + limit
    before = cpu_seconds(pids)
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = cpu_seconds(pids)
        if now - before < 0.025:  # under a tenth of a core
            return
        before = now
    raise BenchError(f"the servers were still busy {limit:.0f} s after a run")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise BenchError(f"{what} stopped at start-up (exit status {process.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise BenchError(f"{what} did not listen on port {port} within 60 s") from None
            time.sleep(0.2)


# --- HTTP ----------------------------------------------------------------------------------------


@dataclass
class Fetched:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)

    @property
    def size(self) -> int:
        """Bytes on the wire (HTTP/1.1, no chunking): what wrk counts per response."""
        head = len(f"HTTP/1.1 {self.status} OK\r\n") + 2
        head += sum(len(f"{key}: {value}\r\n".encode("latin-1")) for key, value in self.headers)
        return head + len(self.body)


def difference(expected: bytes, got: bytes) -> str:
    """The first lines that differ, for a failure message."""
    lines = difflib.unified_diff(
        expected.decode("utf-8", "replace").splitlines(),
        got.decode("utf-8", "replace").splitlines(),
        "gunicorn",
        "this way",
        n=0,
        lineterm="",
    )
    return "\n".join(list(lines)[:20])


def fetch(port: int, path: str, headers: tuple[tuple[str, str], ...] = ()) -> Fetched:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=dict((HOST, *headers)))
        response = connection.getresponse()
        return Fetched(response.status, response.getheaders(), response.read())
    finally:
        connection.close()


# --- nginx ---------------------------------------------------------------------------------------


def substitute(text: str, pattern: str, replacement: str, what: str) -> str:
    """Replace the one match of `pattern` (multiline regex); stop when there is not exactly one."""
    new, count = re.subn(pattern, lambda _match: replacement, text, flags=re.MULTILINE)
    if count != 1:
        raise BenchError(
            f"deploy/nginx.conf: expected one {what} (/{pattern}/), found {count}. "
            "The deployed configuration changed: update benchmarks/http_load.py to match."
        )
    return new


def nginx_config(
    source: str, *, work: Path, static_root: Path, nginx_port: int, gunicorn_port: int
) -> str:
    """deploy/nginx.conf, rewritten where it names the machine, with a location that
    serves the benchmark's static copies. Caching rules, headers and locations stay."""
    text = source
    user = ""
    if os.geteuid() == 0:  # else the workers run as nobody, who cannot read the temp dir
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n"
    text = substitute(text, r"^user\s+[^;]+;\n", user + "daemon off;\n", "user directive")
    text = substitute(
        text, r"^error_log\s+[^;]+;", f"error_log {work}/error.log warn;", "error_log"
    )
    text = substitute(text, r"^pid\s+[^;]+;", f"pid {work}/nginx.pid;", "pid")
    if not Path("/etc/nginx/mime.types").is_file():
        text = substitute(
            text,
            r"^[ \t]*include\s+/etc/nginx/mime\.types;",
            "    types { text/html html; text/css css; application/javascript js; }",
            "mime.types include",
        )
    temp = "\n".join(
        f"    {kind}_temp_path {work}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    text = substitute(
        text,
        r"^[ \t]*access_log\s+/var/log/nginx/access\.log\s+main;",
        "    access_log off;\n"
        f"{temp}\n"
        "    # Only what should not happen is logged: a response other than a 200, or a\n"
        "    # response of the cached locations that was not a HIT (nor a cookie's BYPASS).\n"
        '    map "$status:$upstream_cache_status" $bench_unexpected {\n'
        '        "200:"        0;\n'
        '        "200:HIT"     0;\n'
        '        "200:BYPASS"  0;\n'
        "        default       1;\n"
        "    }\n"
        '    log_format bench "$status $upstream_cache_status $request_uri";',
        "access_log",
    )
    # Docker's DNS and `resolve` (nginx 1.27.3+) have no place on one machine: the
    # upstream is gunicorn's address, and the resolver line goes.
    text = substitute(text, r"^[ \t]*resolver\s+127\.0\.0\.11[^;]*;\n", "", "Docker's resolver")
    text = substitute(
        text,
        r"^[ \t]*server\s+web:8000(\s+resolve)?;",
        f"        server 127.0.0.1:{gunicorn_port};",
        "upstream",
    )
    text = substitute(
        text,
        r"proxy_cache_path\s+/var/cache/nginx/portal\s",
        f"proxy_cache_path {work}/cache ",
        "proxy_cache_path",
    )
    text = substitute(
        text,
        r"^[ \t]*listen\s+80\s+default_server;",
        f"        listen       127.0.0.1:{nginx_port} default_server;\n"
        f"        access_log   {work}/unexpected.log bench if=$bench_unexpected;",
        "listen",
    )
    text = substitute(text, r"alias\s+/app/staticfiles/;", f"alias {static_root}/;", "static alias")
    text = substitute(text, r"alias\s+/app/media/;", f"alias {work}/media/;", "media alias")
    text = substitute(
        text,
        r"^[ \t]*# Hashed files from collectstatic",
        "        # The benchmark's copies of the pages, served as files (its upper bound).\n"
        "        location ^~ /__bench__/static/ {\n"
        f"            alias {work}/pages/;\n"
        "            default_type text/html;\n"
        "        }\n\n"
        "        # Hashed files from collectstatic",
        "static location comment",
    )
    return text


# --- wrk -----------------------------------------------------------------------------------------


def run_wrk(
    wrk: str,
    script: Path,
    url: str,
    *,
    threads: int,
    connections: int,
    seconds: float,
    headers: tuple[tuple[str, str], ...],
) -> Result:
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
    ]
    for name, value in (HOST, *headers):
        command += ["-H", f"{name}: {value}"]
    completed = subprocess.run(  # noqa: S603 - wrk, found above
        [*command, url], capture_output=True, text=True, check=False
    )
    line = next(
        (line for line in completed.stdout.splitlines() if line.startswith("HTTP_LOAD ")), None
    )
    if completed.returncode != 0 or line is None:
        raise BenchError(
            f"wrk failed on {url} (exit {completed.returncode}):\n"
            f"{completed.stdout}{completed.stderr}"
        )
    data = json.loads(line.removeprefix("HTTP_LOAD "))
    return Result(
        requests=int(data["requests"]),
        seconds=data["duration_us"] / 1e6,
        bytes=int(data["bytes"]),
        errors={key: int(data[key]) for key in ("connect", "read", "write", "status", "timeout")},
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
    )


# --- The portal ----------------------------------------------------------------------------------


def prepare_database(environment: dict[str, str]) -> None:
    for command in (
        ["migrate", "-v", "0"],
        ["seed_demo"],
        ["collectstatic", "--noinput", "-v", "0"],
    ):
        started = time.perf_counter()
        subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", *command],
            cwd=BASE_DIR,
            env=environment,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"  manage.py {command[0]}: {time.perf_counter() - started:.0f} s", flush=True)


def article_path(environment: dict[str, str]) -> str:
    """The first published article of the guide, in French."""
    code = (
        "from django.urls import reverse\n"
        "from django.utils import translation\n"
        "from rights_guide.models import Article\n"
        "article = Article.objects.filter(is_published=True).select_related('topic').first()\n"
        "with translation.override('fr'):\n"
        "    print(reverse('rights_guide:article', kwargs={'topic_slug': article.topic.slug,"
        " 'slug': article.slug}))\n"
    )
    completed = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=BASE_DIR,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    return completed.stdout.strip().splitlines()[-1]


# --- The run -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds of each wrk run")
    parser.add_argument(
        "--warmup", type=float, default=2, help="seconds of each warm-up run of wrk"
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--pages", default="home,article,search", help="which pages, in order")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (Dockerfile: 3)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class")
    parser.add_argument(
        "--worker-threads", type=int, default=1, help="gunicorn --threads (with gthread)"
    )
    parser.add_argument(
        "--no-access-log",
        action="store_true",
        help="without gunicorn's access log (production writes one, to stdout)",
    )
    parser.add_argument(
        "--gzip",
        action="store_true",
        help="send Accept-Encoding: gzip, as browsers do (nginx then compresses every response)",
    )
    arguments = parser.parse_args()

    wrk, nginx = tool("wrk"), tool("nginx")
    missing = [name for name, path in (("wrk", wrk), ("nginx", nginx)) if path is None]
    if missing:
        print(f"This benchmark needs {' and '.join(missing)}. {INSTALL_HINT}", file=sys.stderr)
        return 2
    assert wrk is not None and nginx is not None  # noqa: S101 - for the type checker
    if "DATABASE_URL" not in os.environ or "REDIS_URL" not in os.environ:
        print(
            "DATABASE_URL and REDIS_URL are needed: run it under "
            "`.venv/bin/python -m portal.devstack exec --`.",
            file=sys.stderr,
        )
        return 2

    base_url = os.environ["DATABASE_URL"]
    started_load = load()
    print(f"machine: {machine()}; {started_load} at the start", flush=True)
    with tempfile.TemporaryDirectory(prefix="http_load-") as temporary:
        work = Path(temporary)
        server_sql(
            base_url, f'DROP DATABASE IF EXISTS "{DATABASE}"', f'CREATE DATABASE "{DATABASE}"'
        )
        try:
            return run(
                arguments,
                work=work,
                wrk=wrk,
                nginx=nginx,
                base_url=base_url,
                started_load=started_load,
            )
        except BenchError as error:
            print(f"\nFAILED: {error}", file=sys.stderr)
            return 1
        finally:
            server_sql(base_url, f'DROP DATABASE IF EXISTS "{DATABASE}"')


def run(
    arguments: argparse.Namespace,
    *,
    work: Path,
    wrk: str,
    nginx: str,
    base_url: str,
    started_load: str,
) -> int:
    from cryptography.fernet import Fernet

    for directory in ("pages", "bytes", "media", "cache", "staticfiles"):
        (work / directory).mkdir()
    static_root = work / "staticfiles"
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])),
        "DJANGO_SETTINGS_MODULE": "http_load_settings",
        "DATABASE_URL": bench_database_url(base_url, DATABASE),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "REGISTRATION_PSEUDONYM_KEY": secrets.token_urlsafe(32),
        "REFERRAL_PSEUDONYM_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "TRUST_X_REAL_IP": "true",  # as docker-compose sets it for the web service
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(work / "media"),
        "OUTBOX_LOG_DIR": str(work / "outbox"),
        "HTTP_LOAD_BYTES_DIR": str(work / "bytes"),
    }
    environment.pop("DJANGO_DEBUG", None)
    print(f"database {DATABASE}: migrate, demo data, static files", flush=True)
    prepare_database(environment)

    all_pages = {
        "home": Page("home", "home page", "/fr/"),
        "article": Page("article", "guide article", article_path(environment)),
        "search": Page("search", "directory search «santé»", "/fr/services/?q=sant%C3%A9"),
    }
    try:
        pages = [all_pages[name] for name in arguments.pages.split(",")]
    except KeyError as error:
        raise BenchError(f"unknown page {error}; known: {', '.join(all_pages)}") from None

    gunicorn_port, nginx_port = free_port(), free_port()
    gunicorn_command = [
        sys.executable,
        "-m",
        "gunicorn",
        "portal.wsgi:application",
        "--bind",
        f"127.0.0.1:{gunicorn_port}",
        "--workers",
        str(arguments.workers),
        "--worker-class",
        arguments.worker_class,
        "--threads",
        str(arguments.worker_threads),
        "--worker-tmp-dir",
        "/dev/shm",  # noqa: S108 - as the Dockerfile
        "--log-level",
        "warning",
    ]
    if not arguments.no_access_log:
        gunicorn_command += ["--access-logfile", str(work / "gunicorn-access.log")]
    config = nginx_config(
        NGINX_CONF.read_text(encoding="utf-8"),
        work=work,
        static_root=static_root,
        nginx_port=nginx_port,
        gunicorn_port=gunicorn_port,
    )
    (work / "nginx.conf").write_text(config, encoding="utf-8")
    script = work / "report.lua"
    script.write_text(WRK_REPORT, encoding="utf-8")

    processes: list[subprocess.Popen[bytes]] = []
    try:
        gunicorn = subprocess.Popen(gunicorn_command, cwd=BASE_DIR, env=environment)  # noqa: S603
        processes.append(gunicorn)
        server = subprocess.Popen(  # noqa: S603 - nginx, found above
            [nginx, "-p", str(work), "-c", str(work / "nginx.conf"), "-e", str(work / "error.log")]
        )
        processes.append(server)
        wait_for_port(gunicorn_port, gunicorn, "gunicorn")
        wait_for_port(nginx_port, server, "nginx")
        ports = {"gunicorn": gunicorn_port, "nginx": nginx_port}
        server_pids = [gunicorn.pid, server.pid]
        accept = (("Accept-Encoding", "gzip"),) if arguments.gzip else ()

        def path_of(page: Page, mode: Mode) -> str:
            if mode.key == "static":
                return f"/__bench__/static/{page.name}.html"
            if mode.key == "bare":
                return f"/__bench__/bytes/{page.name}"
            return page.path

        # Each page once from gunicorn: its bytes, then the same bytes every other way.
        for page in pages:
            first = fetch(gunicorn_port, page.path)
            if first.status != 200:
                raise BenchError(f"{page.path}: status {first.status} from gunicorn")
            if first.header("Set-Cookie"):
                raise BenchError(f"{page.path} sets a cookie: nginx would never cache it")
            page.body = first.body
            page.response_bytes["django"] = first.size
            again = fetch(gunicorn_port, page.path)
            if again.body != page.body:
                print(f"  note: {page.path} differs from one request to the next")
            (work / "pages" / f"{page.name}.html").write_bytes(page.body)
            (work / "bytes" / page.name).write_bytes(page.body)
            for mode in MODES:
                if mode.key == "django":
                    continue
                got = fetch(ports[mode.server], path_of(page, mode), mode.headers)
                if got.status != 200 or got.body != page.body:
                    raise BenchError(
                        f"{mode.label}: {path_of(page, mode)} gave status {got.status}, "
                        f"{len(got.body)} bytes instead of the page's {len(page.body)}:\n"
                        + difference(page.body, got.body)
                    )
                page.response_bytes[mode.key] = got.size
            cache = fetch(nginx_port, page.path).header("X-Cache-Status")
            bypass = fetch(nginx_port, page.path, MODES[-1].headers).header("X-Cache-Status")
            if cache != "HIT" or bypass != "BYPASS":
                raise BenchError(
                    f"{page.path}: X-Cache-Status {cache} without a cookie (expected HIT), "
                    f"{bypass} with one (expected BYPASS)"
                )
            print(f"  {page.label}: {page.path}, {len(page.body):,} bytes", flush=True)

        results: dict[tuple[str, str], Result] = {}
        unexpected_log = work / "unexpected.log"
        for page in pages:
            for mode in MODES:
                url = f"http://127.0.0.1:{ports[mode.server]}{path_of(page, mode)}"
                headers = mode.headers + accept
                # Until the rate settles when gunicorn answers: each worker's first
                # requests of a page load its templates and catalogues (seconds).
                previous = None
                for _chunk in range(1 if mode.key in ("static", "cached") else 10):
                    if arguments.warmup <= 0:
                        break
                    rate = run_wrk(
                        wrk,
                        script,
                        url,
                        threads=arguments.threads,
                        connections=arguments.connections,
                        seconds=arguments.warmup,
                        headers=headers,
                    ).rate
                    settle(server_pids)
                    if previous and abs(rate - previous) <= 0.25 * max(rate, previous):
                        break
                    previous = rate
                logged = unexpected_log.stat().st_size if unexpected_log.exists() else 0
                servers_before, started = cpu_seconds(server_pids), time.monotonic()
                result = run_wrk(
                    wrk,
                    script,
                    url,
                    threads=arguments.threads,
                    connections=arguments.connections,
                    seconds=arguments.duration,
                    headers=headers,
                )
                result.server_cpu = cpu_seconds(server_pids) - servers_before
                result.cores = result.server_cpu / (time.monotonic() - started)
                settle(server_pids)
                results[page.name, mode.key] = result
                print(
                    f"  {page.name:8} {mode.label:42} {result.rate:9,.0f} req/s  "
                    f"p50 {result.p50_ms:7.2f} ms  p99 {result.p99_ms:7.2f} ms  "
                    f"servers {result.cpu_ms:6.2f} ms CPU per response, "
                    f"{result.cores:.2f} cores; {load()}",
                    flush=True,
                )
                check_run(
                    page,
                    mode,
                    result,
                    unexpected_log,
                    logged,
                    gzip=arguments.gzip,
                    connections=arguments.connections,
                )
        for process in processes:
            if process.poll() is not None:
                raise BenchError(f"{process.args[0]} stopped during the run")
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    print_report(arguments, pages, results, nginx=nginx, wrk=wrk, started_load=started_load)
    return 0


def check_run(
    page: Page, mode: Mode, result: Result, log: Path, logged: int, *, gzip: bool, connections: int
) -> None:
    """Every response a 200 with the page's bytes, served the way it should have been."""
    errors = {kind: count for kind, count in result.errors.items() if count}
    if errors:
        raise BenchError(f"{page.name}, {mode.label}: wrk counted errors {errors}")
    if result.requests == 0:
        raise BenchError(f"{page.name}, {mode.label}: no request completed")
    if not gzip:  # compressed sizes differ from the page's
        average = result.bytes / result.requests
        expected = page.response_bytes[mode.key]
        if not 0.95 * expected <= average <= 1.05 * expected:
            raise BenchError(
                f"{page.name}, {mode.label}: {average:,.0f} bytes per response, not about "
                f"{expected:,}: not the page"
            )
    if log.exists() and log.stat().st_size > logged:
        with log.open(encoding="utf-8") as lines:
            lines.seek(logged)
            unexpected = lines.read().splitlines()
        # An entry lives 60 s: once a minute one request refreshes it (EXPIRED) while the
        # others get the old copy (UPDATING). When wrk stops, the requests in flight are
        # closed by the client (499), at most one per connection. Anything else fails.
        kinds = [tuple(line.split()[:2]) for line in unexpected]
        refreshes = kinds.count(("200", "EXPIRED"))
        closed = sum(1 for kind in kinds if kind[0] == "499")
        allowed = refreshes + kinds.count(("200", "UPDATING")) + closed
        if (
            len(kinds) > allowed
            or refreshes > 1 + result.seconds // 60
            or closed > 2 * connections  # the warm-up's may be logged late
        ):
            raise BenchError(
                f"{page.name}, {mode.label}: {len(unexpected)} of {result.requests} responses "
                f"were not 200s served as expected, e.g. {unexpected[:3]}"
            )


def ratio_cell(value: float, reference: float) -> str:
    ratio = value / reference
    mark = "PASS" if ratio >= TARGET_RATIO else "**below**"
    return f"{ratio:.2f}x ({mark})"


def print_report(
    arguments: argparse.Namespace,
    pages: list[Page],
    results: dict[tuple[str, str], Result],
    *,
    nginx: str,
    wrk: str,
    started_load: str,
) -> None:
    import gunicorn

    workers = f"{arguments.workers} {arguments.worker_class} workers"
    if arguments.worker_class == "gthread":
        workers += f" x {arguments.worker_threads} threads"
    print()
    print(
        f"Machine: {machine()}; {started_load} at the start, {load()} at the end; "
        f"{version([nginx, '-v'])}, "
        f"{version([wrk, '-v'])}, gunicorn {gunicorn.__version__} ({workers}"
        f"{'' if arguments.no_access_log else ', access log'}), Python "
        f"{platform.python_version()}, portal.settings.production."
    )
    print(
        f"wrk -t{arguments.threads} -c{arguments.connections} -d{arguments.duration:g}s after "
        f"warming up in {arguments.warmup:g} s runs until the rate settled"
        + (", Accept-Encoding: gzip" if arguments.gzip else ", no compression")
        + f". Targets: cached ≥ {TARGET_RATIO}x static, page ≥ {TARGET_RATIO}x bare view."
    )
    print()
    print(
        "| page | served by | requests/s | p50 | p99 | server CPU per response "
        "| ratio (target ≥ 0.5x) |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
    for page in pages:
        first = True
        for mode in MODES:
            result = results[page.name, mode.key]
            if mode.key == "cached":
                ratio = ratio_cell(result.rate, results[page.name, "static"].rate) + " of static"
            elif mode.key == "django":
                ratio = ratio_cell(result.rate, results[page.name, "bare"].rate) + " of bare view"
            elif mode.key == "bypass":
                ratio = f"{result.rate / results[page.name, 'django'].rate:.2f}x of gunicorn"
            else:
                ratio = ""
            title = f"{page.label} `{page.path}` ({len(page.body):,} B)" if first else ""
            first = False
            print(
                f"| {title} | {mode.label} | {result.rate:,.0f} | {result.p50_ms:.1f} ms "
                f"| {result.p99_ms:.1f} ms | {result.cpu_ms:.2f} ms | {ratio} |"
            )
    print()
    verdicts = []
    for page in pages:
        cached = results[page.name, "cached"].rate / results[page.name, "static"].rate
        django = results[page.name, "django"].rate / results[page.name, "bare"].rate
        verdicts.append(
            f"{page.name}: cached {cached:.2f}x static "
            f"({'met' if cached >= TARGET_RATIO else 'MISSED'}), page {django:.2f}x bare view "
            f"({'met' if django >= TARGET_RATIO else 'MISSED'})"
        )
    print("Targets — " + "; ".join(verdicts) + ".")


if __name__ == "__main__":
    sys.exit(main())
