"""Test settings: the same embedded default, Redis databases 1 and up so `make run` (0)
is untouched."""

import os
from urllib.parse import urlsplit, urlunsplit

from .base import *

SECRET_KEY = "test-only-not-secret-" + "x" * 40
FIELD_ENCRYPTION_KEYS = ["ePTCce33283dAe4w7RZZrfasPybC39FJ3HlssSsWh_k="]
# `make test` runs the suite in two pytest-xdist workers (gw0, gw1): each has its own test
# database (pytest-django names it), Redis database and outbox directory, so one worker's
# Celery queues, purges and keys never reach the other's.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_worker_index = int(XDIST_WORKER[2:]) if XDIST_WORKER.startswith("gw") else 0
_redis = urlsplit(
    env.str("REDIS_URL", default="") or embedded.redis_url() or "redis://127.0.0.1:6379"
)
# (A REDIS_URL naming a database other than 0 is kept: a test gave it to a process it
# started.)
if _redis.path.strip("/") in ("", "0"):
    _redis = _redis._replace(path=f"/{1 + _worker_index}")
REDIS_URL = urlunsplit(_redis)
CACHES["default"]["LOCATION"] = REDIS_URL
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
WHITENOISE_USE_FINDERS = True
SERVE_MEDIA = True
REGISTRATION_PSEUDONYM_KEY = "test-only-pseudonym-key"
REFERRAL_PSEUDONYM_KEY = "test-only-referral-key"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
OUTBOX_LOG_DIR = BASE_DIR / "var" / ("test-outbox" + (f"-{XDIST_WORKER}" if XDIST_WORKER else ""))
DATABASES["default"]["CONN_MAX_AGE"] = 0
# The replica is the test database itself (Django's test mirror), so tests can see which
# alias a query went to; the router stays off unless a test turns it on
# (tests/portal/test_db_router.py).
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS: list[str] = []
# Tests commit often (transactional tests, seeds) and never need their last commits to
# survive a crash of the machine: commits need not wait for the disk.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
# A machine busy with the browser tests once took more than production's 5 s to let a
# live server's thread connect; a test should wait rather than fail.
DATABASES["default"]["OPTIONS"]["connect_timeout"] = 20
# Most tests run without a Celery worker: /healthz need not wait a second to see so
# (tests/portal/test_healthz.py waits longer where a worker answers).
HEALTH_CELERY_PING_TIMEOUT = 0.2
# The demo's referrals go through every action one by one: fewer load faster.
DEMO_REFERRALS = 32
# Redis outlives each test's rolled-back database: a page kept by one test would be
# served to the next. Tests of the page cache turn it on (tests/portal/test_page_cache.py).
PAGE_CACHE_REDIS = False
