"""benchmarks/http_load.py measures deploy/nginx.conf itself, rewritten where it names the
machine: the rewriting must keep recognising the file and leave its caching rules as
they are. With Debian's nginx at hand, nginx must accept the result too."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
DEPLOYED = (BASE_DIR / "deploy" / "nginx.conf").read_text(encoding="utf-8")


def benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "http_load", BASE_DIR / "benchmarks" / "http_load.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def rewritten(work: Path) -> str:
    return benchmark().nginx_config(
        DEPLOYED,
        work=work,
        static_root=work / "staticfiles",
        nginx_port=18080,
        gunicorn_port=18000,
    )


def test_the_caching_rules_measured_are_the_deployed_ones(tmp_path: Path) -> None:
    config = rewritten(tmp_path)
    kept = [
        line.strip()
        for line in DEPLOYED.splitlines()
        if line.strip().startswith(("proxy_cache", "proxy_no_cache", "map ", "location", '"~*'))
        and "proxy_cache_path" not in line
    ]
    assert len(kept) > 10
    lines = {line.strip() for line in config.splitlines()}
    assert [line for line in kept if line not in lines] == []
    assert "server 127.0.0.1:18000;" in config
    assert f"proxy_cache_path {tmp_path}/cache levels=1:2" in config
    assert "/var/" not in config and "/app/" not in config


def test_nginx_accepts_the_rewritten_configuration(tmp_path: Path) -> None:
    nginx = benchmark().tool("nginx")
    if nginx is None:
        pytest.skip("no nginx here (apt-get install nginx-light); make bench needs it")
    (tmp_path / "nginx.conf").write_text(rewritten(tmp_path), encoding="utf-8")
    checked = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
