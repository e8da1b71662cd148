"""Production settings: every secret comes from the environment, with no default.

A missing SECRET_KEY, DATABASE_URL, REDIS_URL, ALLOWED_HOSTS, FIELD_ENCRYPTION_KEYS or a
pseudonym key stops the process at start-up with a message naming the variable.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *

_REQUIRED = (
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "FIELD_ENCRYPTION_KEYS",
    "REGISTRATION_PSEUDONYM_KEY",
    "REFERRAL_PSEUDONYM_KEY",
)
_missing = [name for name in _REQUIRED if not env.str(name, default="").strip()]
if _missing:
    raise ImproperlyConfigured(
        "Missing required environment variable(s): "
        + ", ".join(_missing)
        + ". See the Configuration section of the README."
    )

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters with 5 distinct ones.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": database_config(env.str("DATABASE_URL"))}
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = database_config(DATABASE_REPLICA_URL)
REDIS_URL = env.str("REDIS_URL")
CACHES["default"]["LOCATION"] = REDIS_URL
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS")
REGISTRATION_PSEUDONYM_KEY = env.str("REGISTRATION_PSEUDONYM_KEY")
REFERRAL_PSEUDONYM_KEY = env.str("REFERRAL_PSEUDONYM_KEY")
STATIC_ROOT = Path(env.str("STATIC_ROOT", default="/app/staticfiles"))
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default="/app/media"))
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="smtp://localhost:25")
vars().update(EMAIL_CONFIG)
SMS_BACKEND = env.str("SMS_BACKEND", default="portal.notifications.sms.OutboxLogSmsBackend")

# nginx terminates TLS and forwards the scheme.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
