"""Settings of the gunicorn that benchmarks/http_load.py starts: production's settings,
with a URL configuration that adds the benchmark's bare view (benchmarks/http_load_urls.py).
Never used outside that benchmark."""

from portal.settings.production import *  # noqa: F403

ROOT_URLCONF = "http_load_urls"
# The same hashed names as production's CompressedManifestStaticFilesStorage, without
# compressing every file at collectstatic (a minute here): no static file is measured.
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
)
