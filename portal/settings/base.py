"""Settings shared by every environment, read from the environment (django-environ).

Every variable is listed, with its default, in the README's Configuration section.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import environ
from celery.schedules import crontab
from kombu import Queue

from portal import embedded, queues
from portal.languages import bidi_languages, language_info, register_extra_languages

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # modeltranslation must come before the admin
    "modeltranslation",
    "portal.apps.PortalAdminConfig",  # django.contrib.admin, needing a second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "portal",
    "portal.accounts",
    "portal.audit",
    "portal.i18n",
    "portal.notifications",
    "rights_guide",
    "services",
    "registration",
    "participation",
    "discrimination",
]

MIDDLEWARE = [
    "portal.security.RealClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache-Control of every page; outside the session and CSRF middleware, so that it
    # sees the cookies they set (a page that sets one is never public).
    "portal.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Marks anonymous public reads for the replica router; without a replica, a no-op.
    "portal.db_router.PublicReadMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.security.PermissionsPolicyMiddleware",
    "portal.security.StaffSessionExpiryMiddleware",
    "portal.security.SecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.i18n.context_processors.languages",
                "discrimination.context_processors.office",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------
# Without DATABASE_URL the embedded PostgreSQL under var/ is used (see portal/embedded.py).


def database_config(url: str) -> dict[str, object]:
    """DATABASES["default"] from a URL; a %2F-quoted host is a Unix socket directory."""
    if not url:
        return {"ENGINE": "django.db.backends.postgresql", "NAME": embedded.DATABASE_NAME}
    config: dict[str, object] = env.db_url_config(url)
    config["HOST"] = unquote(str(config.get("HOST") or ""))
    config["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    config["CONN_HEALTH_CHECKS"] = True
    options = dict(config.get("OPTIONS") or {})  # type: ignore[call-overload]
    options.setdefault("connect_timeout", 5)
    config["OPTIONS"] = options
    return config


DATABASE_URL = env.str("DATABASE_URL", default="") or embedded.postgres_url() or ""
DATABASES = {"default": database_config(DATABASE_URL)}
# Optional streaming replica: anonymous public page reads go there, everything else to
# the primary (portal/db_router.py, docs/deployment.md). Unset, nothing changes.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = database_config(DATABASE_REPLICA_URL)
DATABASE_ROUTERS = ["portal.db_router.ReplicaRouter"] if DATABASE_REPLICA_URL else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery --------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="") or embedded.redis_url() or "redis://127.0.0.1:6379/0"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "portal",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that hands a task to a broker that is down must not hang: the outbox
# row is committed anyway and beat hands it over later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A message not acknowledged within this time is given to another worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Queues (portal/queues.py), each bound by its own name (left out, Celery would bind them
# all with the key "celery"). A worker started without -Q consumes every declared queue;
# production runs workers per queue (docs/deployment.md).
CELERY_TASK_DEFAULT_QUEUE = queues.DEFAULT
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in queues.ALL]
CELERY_TASK_ROUTES = {
    "portal.notifications.tasks.*": {"queue": queues.NOTIFICATIONS},
    "portal.i18n.tasks.*": {"queue": queues.TRANSLATIONS},
    "participation.tasks.process_tally_task": {"queue": queues.TALLIES},
}
# Periodic tasks, declared in one place.
CELERY_BEAT_SCHEDULE = {
    "translation-coverage": {
        "task": "portal.i18n.tasks.translation_coverage_task",
        "schedule": crontab(hour=5, minute=17),
    },
    "notifications-requeue-pending": {
        "task": "portal.notifications.tasks.notification_requeue_pending_task",
        # With the 30-second age below, a notification that Redis could not take is
        # handed over within about a minute of Redis coming back.
        "schedule": timedelta(seconds=30),
    },
    "registration-erase-expired": {
        "task": "registration.tasks.attestation_erase_expired_task",
        "schedule": crontab(hour=2, minute=41),
    },
    "services-facts-refresh": {
        "task": "services.tasks.service_facts_refresh_task",
        "schedule": crontab(hour=23, minute=5),  # just after midnight in Europe, UTC
    },
    "services-assurance-reminders": {
        "task": "services.tasks.service_assurance_reminders_task",
        "schedule": crontab(hour=9, minute=7),
    },
    "referrals-retention": {
        "task": "services.tasks.referral_retention_task",
        "schedule": crontab(hour=2, minute=53),
    },
    "discrimination-retention": {
        "task": "discrimination.tasks.report_retention_task",
        "schedule": crontab(hour=3, minute=29),
    },
    "notifications-purge-delivered": {
        "task": "portal.notifications.tasks.notification_purge_delivered_task",
        "schedule": crontab(hour=3, minute=17),
    },
}

# --- Passwords and accounts ---------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Brute force: 10 failed sign-ins for one username from one address lock that pair out
# for an hour (django-axes). Only failures are recorded (username, address, browser),
# they expire with the cool-off and are cleared by a successful sign-in; nothing is
# logged about who tried. A city admin unlocks at once in the admin ("Access attempts")
# or with `manage.py axes_reset_username USERNAME`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AXES_CLIENT_STR_CALLABLE = "portal.security.anonymous_client"
AXES_LOCKOUT_TEMPLATE = "errors/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# Second factor (django-otp): a TOTP authenticator app, plus single-use backup codes.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Right to the City")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Languages ----------------------------------------------------------------------
register_extra_languages()
PORTAL_LANGUAGES = env.list(
    "PORTAL_LANGUAGES", default=["fr", "en", "es", "ar", "fa", "uk", "ti", "ps"]
)
LANGUAGE_CODE = env.str("PORTAL_SOURCE_LANGUAGE", default=PORTAL_LANGUAGES[0])
LANGUAGES = [(code, str(language_info(code)["name"])) for code in PORTAL_LANGUAGES]
LANGUAGES_BIDI = bidi_languages(PORTAL_LANGUAGES)
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Paris")


def _fallback_chains(raw: str) -> dict[str, tuple[str, ...]]:
    """ "ti:en,fr;ps:fa,en" -> {"ti": ("en", "fr"), "ps": ("fa", "en"), "default": (...)}."""
    chains: dict[str, tuple[str, ...]] = {"default": (LANGUAGE_CODE,)}
    for part in filter(None, (item.strip() for item in raw.split(";"))):
        language, _, chain = part.partition(":")
        chains[language.strip()] = tuple(code.strip() for code in chain.split(",") if code)
    return chains


# A missing text falls back along this chain; the page then says so.
MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE
MODELTRANSLATION_LANGUAGES = tuple(PORTAL_LANGUAGES)
MODELTRANSLATION_FALLBACK_LANGUAGES = _fallback_chains(
    env.str("PORTAL_FALLBACK_LANGUAGES", default="")
)
MODELTRANSLATION_AUTO_POPULATE = False

# --- Translation workflow (portal/i18n) ----------------------------------------------
# Models whose translated fields are followed paragraph by paragraph.
TRANSLATION_WORKFLOW_MODELS = [
    "portal.HomeNotice",
    "rights_guide.Topic",
    "rights_guide.Situation",
    "rights_guide.Article",
    "services.Service",
    "participation.Meeting",
    "participation.Proposal",
]
# Machine pre-translation: "none", "apertium" (Debian's offline engine), "libretranslate"
# or "deepl" (HTTP APIs at URL with API_KEY).
MACHINE_TRANSLATION = {
    "BACKEND": env.str("MACHINE_TRANSLATION_BACKEND", default="none"),
    "URL": env.str("MACHINE_TRANSLATION_URL", default=""),
    "API_KEY": env.str("MACHINE_TRANSLATION_API_KEY", default=""),
    "TIMEOUT": env.float("MACHINE_TRANSLATION_TIMEOUT", default=10.0),
    "RETRIES": env.int("MACHINE_TRANSLATION_RETRIES", default=3),
}
# Languages whose readers may see machine text, labelled, before a reviewer approves it.
TRANSLATION_MACHINE_PUBLISHED_LANGUAGES = env.list(
    "TRANSLATION_MACHINE_PUBLISHED_LANGUAGES", default=[]
)

# --- Static files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
SERVE_MEDIA = False  # dev settings turn it on; nginx serves /media/ in production
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Field encryption -----------------------------------------------------------------
# Comma-separated Fernet keys, newest first; kept apart from SECRET_KEY. Rotate with
# `manage.py rotate_encryption_keys` after putting a new key first.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])

# Address of the portal as people reach it, for links in emails.
# Anonymous public pages (portal/page_cache.py): how long a browser keeps one; nginx's
# cache directory, when this process can reach it (a shared volume), to empty it after
# every edit; and then how long nginx keeps a page.
# How many referrals `seed_demo` makes (the statistics page needs about this many).
DEMO_REFERRALS = env.int("DEMO_REFERRALS", default=160)

# /healthz waits this long for the Celery workers' answers to its ping.
HEALTH_CELERY_PING_TIMEOUT = env.float("HEALTH_CELERY_PING_TIMEOUT", default=1.0)

PAGE_CACHE_MAX_AGE = env.int("PAGE_CACHE_MAX_AGE", default=60)
PAGE_CACHE_PURGE_DIR = env.str("PAGE_CACHE_PURGE_DIR", default="")
PAGE_CACHE_PROXY_SECONDS = env.int("PAGE_CACHE_PROXY_SECONDS", default=600)
PAGE_CACHE_REDIS = env.bool("PAGE_CACHE_REDIS", default=True)
PAGE_CACHE_REPLICA_LAG_SECONDS = env.int("PAGE_CACHE_REPLICA_LAG_SECONDS", default=30)

PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# --- Referrals --------------------------------------------------------------------------
# Secret from which each organisation's pseudonym key is derived; kept out of the database.
REFERRAL_PSEUDONYM_KEY = env.str("REFERRAL_PSEUDONYM_KEY", default="")
# Days after a referral closes before it is anonymised (notes, card code, pseudonym gone).
REFERRAL_RETENTION_DAYS = env.int("REFERRAL_RETENTION_DAYS", default=180)
# Days a note on a referral is kept (it is deleted earlier if the referral is anonymised).
REFERRAL_NOTE_DAYS = env.int("REFERRAL_NOTE_DAYS", default=90)

# --- Registration helper --------------------------------------------------------------
# Key of the duplicate-detection pseudonym (HMAC), kept out of the database and apart
# from SECRET_KEY and the field encryption keys.
REGISTRATION_PSEUDONYM_KEY = env.str("REGISTRATION_PSEUDONYM_KEY", default="")
REGISTRATION_RETENTION_DAYS = env.int("REGISTRATION_RETENTION_DAYS", default=90)
PORTAL_NEIGHBOURHOODS = env.list(
    "PORTAL_NEIGHBOURHOODS", default=["centre", "north", "south", "east", "west"]
)
# Where each neighbourhood is, for "services near <neighbourhood>" (latitude, longitude).
PORTAL_NEIGHBOURHOOD_CENTRES = env.json(
    "PORTAL_NEIGHBOURHOOD_CENTRES",
    default={
        "centre": [45.1885, 5.7245],
        "north": [45.2030, 5.7220],
        "south": [45.1690, 5.7260],
        "east": [45.1855, 5.7485],
        "west": [45.1855, 5.7020],
    },
)
# Months after which a service's information is asked to be confirmed, and then shown as
# "may be out of date" until it is.
SERVICE_ASSURANCE_MONTHS = env.int("SERVICE_ASSURANCE_MONTHS", default=6)
VERIFY_RATE_PER_HOUR = env.int("VERIFY_RATE_PER_HOUR", default=60)
OUTDATED_REPORT_RATE_PER_HOUR = env.int("OUTDATED_REPORT_RATE_PER_HOUR", default=20)

# --- Discrimination reports -------------------------------------------------------------
# Months after closing at which a report's account, contact details and messages are
# erased (its categories stay for the observatory).
DISCRIMINATION_RETENTION_MONTHS = env.int("DISCRIMINATION_RETENTION_MONTHS", default=12)
# Reports one address may send per hour, and follow-up code checks per hour.
DISCRIMINATION_REPORT_RATE_PER_HOUR = env.int("DISCRIMINATION_REPORT_RATE_PER_HOUR", default=5)
DISCRIMINATION_FOLLOW_UP_RATE_PER_HOUR = env.int(
    "DISCRIMINATION_FOLLOW_UP_RATE_PER_HOUR", default=30
)

# --- Notifications ----------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Seconds an SMTP relay has to answer; without it a relay that hangs holds a worker,
# and the notification row it locked, for good.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@localhost")
SMS_BACKEND = env.str("SMS_BACKEND", default="portal.notifications.sms.OutboxLogSmsBackend")
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=8)
# A pending notification older than this is handed to Celery again by beat.
NOTIFICATION_REQUEUE_AFTER = timedelta(
    seconds=env.int("NOTIFICATION_REQUEUE_AFTER_SECONDS", default=30)
)
NOTIFICATION_DELIVERED_RETENTION = timedelta(
    days=env.int("NOTIFICATION_RETENTION_DAYS", default=30)
)
OUTBOX_LOG_DIR = Path(env.str("OUTBOX_LOG_DIR", default=str(BASE_DIR / "var" / "outbox")))

# --- API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_THROTTLE_RATES": {"ballot": env.str("BALLOT_API_RATE", default="30/hour")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Right to the City portal API",
    "DESCRIPTION": "Public and organisation APIs of the city portal.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "LICENSE": {"name": "AGPL-3.0-or-later"},
    # Swagger UI served from our own static files: no third-party CDN sees staff visits.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ReferralStatusEnum": "services.models.Referral.Status",
        "ReferralConsentEnum": "services.models.Referral.Consent",
        "ReferralContactEnum": "services.models.Referral.Contact",
        "ReferralDeclineReasonEnum": "services.models.Referral.DeclineReason",
    },
}

# --- Logging: nothing personal is ever logged; messages carry ids only. -------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request lines name URLs, which may carry a verification code: warnings only.
        "django.server": {"level": "WARNING"},
    },
}

# Behind nginx (docker-compose): take the reader's address from X-Real-IP, so that
# per-address limits count each reader, not nginx. Never on without such a proxy.
TRUST_X_REAL_IP = env.bool("TRUST_X_REAL_IP", default=False)

# Content-Security-Policy on every response (django-csp): the portal's own files only,
# no inline script or style anywhere (the PDF templates' <style> is read by WeasyPrint,
# never sent to a browser), no framing, forms post only to the portal.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# Browser features nobody needs here are refused; the directory's search page alone may
# ask for the position, in the browser (portal.security.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY_GEOLOCATION_PATHS = ("/services/",)
# Staff sessions end after 30 minutes without a request and 12 hours after sign-in,
# whatever happens in between (portal.security.StaffSessionExpiryMiddleware).
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=30 * 60)
STAFF_SESSION_ABSOLUTE_SECONDS = env.int("STAFF_SESSION_ABSOLUTE_SECONDS", default=12 * 3600)
SESSION_COOKIE_AGE = STAFF_SESSION_ABSOLUTE_SECONDS

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
