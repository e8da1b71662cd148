"""Development settings: `make run` with the embedded PostgreSQL and Redis."""

from .base import *

SECRET_KEY = SECRET_KEY or "dev-only-not-secret-" + "x" * 40
# A fixed key for demo data only; production must set its own.
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or ["s81M4gjVQtQOd-6RR0YeFgqofiG_XMAmA0Z1LAOGu10="]
EMAIL_CONFIG = env.email_url("EMAIL_URL", default=f"filemail://{OUTBOX_LOG_DIR / 'email'}")
vars().update(EMAIL_CONFIG)
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
WHITENOISE_USE_FINDERS = True
SERVE_MEDIA = True
REGISTRATION_PSEUDONYM_KEY = REGISTRATION_PSEUDONYM_KEY or "dev-only-pseudonym-key"
REFERRAL_PSEUDONYM_KEY = REFERRAL_PSEUDONYM_KEY or "dev-only-referral-key"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
WHITENOISE_AUTOREFRESH = True
# Pages kept in Redis would hide a template being edited: production keeps them.
PAGE_CACHE_REDIS = env.bool("PAGE_CACHE_REDIS", default=False)
