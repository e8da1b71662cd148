"""Local stand-ins for LibreTranslate and DeepL that speak their HTTP protocol on 127.0.0.1.

They "translate" with a small word list, leaving tags and attributes alone, so a test can
assert the exact output. Each can be told to fail, stall or miscount the next requests,
and records every request it received.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

WORDS = {
    ("fr", "es"): {
        "bonjour": "hola", "le": "el", "monde": "mundo", "voir": "ver", "la": "la",
        "maison": "casa", "chat": "gato", "noir": "negro", "est": "es", "un": "un",
    },
    ("fr", "en"): {
        "bonjour": "hello", "le": "the", "monde": "world", "voir": "see", "la": "the",
        "maison": "house", "chat": "cat", "noir": "black", "est": "is", "un": "a",
    },
}  # fmt: skip
TAG = re.compile(r"(<[^>]*>)")


def fake_translate(text: str, source: str, target: str) -> str:
    """Replace known words outside tags, keeping an initial capital; tags pass untouched."""
    words = WORDS.get((source, target), {})

    def word(match: re.Match[str]) -> str:
        found = words.get(match.group().lower(), match.group())
        return found.capitalize() if match.group()[0].isupper() else found

    parts = TAG.split(text)
    return "".join(p if i % 2 else re.sub(r"\w+", word, p) for i, p in enumerate(parts))


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _serve(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, payload = self.server.fake.handle(self.command, self.path, dict(self.headers), raw)
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up waiting (timeout tests)

    do_GET = do_POST = _serve  # noqa: N815 - BaseHTTPRequestHandler's names

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    block_on_close = False  # a stalled handler must not hold the fixture's teardown
    fake: FakeServer

    def handle_error(self, request: object, client_address: object) -> None:
        pass


class FakeServer:
    """The shared machinery: a threaded HTTP server, request log and scripted faults."""

    def __init__(self, api_key: str = "") -> None:
        self.api_key = api_key
        self.requests: list[Received] = []
        self._faults: list[tuple[str, Any]] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def fail_next(self, count: int, status: int = 503, message: str = "Try again later") -> None:
        """Answer the next `count` requests with `status` and an error `message`."""
        self._faults += [("fail", (status, message))] * count

    def stall_next(self, count: int, seconds: float) -> None:
        """Wait `seconds` (or until shutdown) before answering the next `count` requests."""
        self._faults += [("stall", seconds)] * count

    def miscount_next(self, count: int = 1) -> None:
        """Leave the last translation out of the next `count` answers."""
        self._faults += [("miscount", None)] * count

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def translate_requests(self) -> list[Received]:
        return [r for r in self.requests if r.method == "POST"]

    def __enter__(self) -> Self:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def handle(
        self, method: str, path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, Any]:
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        with self._lock:
            self.requests.append(Received(method, path, headers, body))
            fault, argument = self._faults.pop(0) if self._faults else ("", None)
        if fault == "fail":
            status, message = argument
            return status, self.error(message)
        if fault == "stall":
            self._stopping.wait(argument)
        return self.answer(method, path, headers, body, miscount=fault == "miscount")

    def error(self, message: str) -> dict[str, str]:
        raise NotImplementedError

    def answer(
        self, method: str, path: str, headers: dict[str, str], body: Any, *, miscount: bool
    ) -> tuple[int, Any]:
        raise NotImplementedError


class FakeLibreTranslate(FakeServer):
    """``GET /languages`` and ``POST /translate`` as LibreTranslate serves them."""

    LANGUAGES = {"fr": ["en", "es", "ar"], "en": ["fr", "es", "ar"], "es": ["fr", "en"]}

    def error(self, message: str) -> dict[str, str]:
        return {"error": message}

    def answer(
        self, method: str, path: str, headers: dict[str, str], body: Any, *, miscount: bool
    ) -> tuple[int, Any]:
        if (method, path) == ("GET", "/languages"):
            names = {"fr": "French", "en": "English", "es": "Spanish"}
            return 200, [
                {"code": code, "name": names[code], "targets": targets}
                for code, targets in self.LANGUAGES.items()
            ]
        if (method, path) != ("POST", "/translate"):
            return 404, self.error("Not Found")
        if not isinstance(body, dict) or not isinstance(body.get("q"), list):
            return 400, self.error("Invalid request: missing q parameter")
        if self.api_key and body.get("api_key") != self.api_key:
            return 403, self.error("Invalid API key")
        if body.get("format") != "html":
            return 400, self.error("This fake expects format html")
        source, target = body.get("source"), body.get("target")
        if target not in self.LANGUAGES.get(source, []):
            return 400, self.error(f"{source}-{target} is not supported")
        texts = [fake_translate(text, source, target) for text in body["q"]]
        return 200, {"translatedText": texts[:-1] if miscount else texts}


class FakeDeepL(FakeServer):
    """``GET /v2/languages`` and ``POST /v2/translate`` as the DeepL API v2 serves them."""

    SOURCES = ["FR", "EN", "ES", "AR", "UK"]
    TARGETS = ["FR", "EN-GB", "EN-US", "ES", "AR", "UK", "PT-PT", "PT-BR"]

    def error(self, message: str) -> dict[str, str]:
        return {"message": message}

    def answer(
        self, method: str, path: str, headers: dict[str, str], body: Any, *, miscount: bool
    ) -> tuple[int, Any]:
        if headers.get("Authorization") != f"DeepL-Auth-Key {self.api_key}":
            return 403, self.error("Forbidden")
        url = urlsplit(path)
        if (method, url.path) == ("GET", "/v2/languages"):
            kind = parse_qs(url.query).get("type", ["source"])[0]
            codes = self.TARGETS if kind == "target" else self.SOURCES
            return 200, [{"language": code, "name": code.lower()} for code in codes]
        if (method, url.path) != ("POST", "/v2/translate"):
            return 404, self.error("Not Found")
        if not isinstance(body, dict) or not isinstance(body.get("text"), list):
            return 400, self.error("Parameter 'text' not specified.")
        if body.get("source_lang") not in self.SOURCES:
            return 400, self.error("Value for 'source_lang' not supported.")
        if body.get("target_lang") not in self.TARGETS:
            return 400, self.error("Value for 'target_lang' not supported.")
        if body.get("tag_handling") != "html":
            return 400, self.error("This fake expects tag_handling html")
        source = body["source_lang"].lower()
        target = body["target_lang"].split("-")[0].lower()
        translations = [
            {
                "detected_source_language": body["source_lang"],
                "text": fake_translate(t, source, target),
            }
            for t in body["text"]
        ]
        return 200, {"translations": translations[:-1] if miscount else translations}
