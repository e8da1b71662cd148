# syntax=docker/dockerfile:1
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Pango for WeasyPrint (the guide's PDF booklet) and DejaVu fonts for its text layer.
# psycopg2-binary bundles libpq; catalogues are compiled in Python (polib).
# Apertium: the offline machine-translation engine (MACHINE_TRANSLATION_BACKEND=apertium);
# add the language pairs the city needs to APERTIUM_PAIRS.
ARG APERTIUM_PAIRS="apertium-fr-es apertium-en-es"
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
       apertium $APERTIUM_PAIRS \
    && rm -rf /var/lib/apt/lists/*

# uid/gid 101, the official nginx image's `nginx` user: nginx's page cache (a shared
# volume, its directories mode 0700) can then be emptied by the portal after an edit.
RUN groupadd --system --gid 101 portal \
    && useradd --system --uid 101 --gid portal --home-dir /app --shell /usr/sbin/nologin portal

WORKDIR /app

# Dependencies first so this layer is cached until the lock file changes.
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

COPY . .
RUN pip install --no-cache-dir --no-deps -e .

# Build-time dummy settings: only enough for production settings to import
# (SECRET_KEY must pass its 50-character check). None of these stay in the image.
RUN export DJANGO_SETTINGS_MODULE=portal.settings.production \
        SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-0123456789 \
        DATABASE_URL=postgres://build@localhost/build \
        REDIS_URL=redis://localhost:6379/0 \
        ALLOWED_HOSTS=localhost \
        REGISTRATION_PSEUDONYM_KEY=build-only \
        REFERRAL_PSEUDONYM_KEY=build-only \
        FIELD_ENCRYPTION_KEYS=YnVpbGQtb25seS1kdW1teS1rZXktbm90LXNlY3JldCE= \
    && python -m portal.i18n.catalogues compile \
    && python manage.py collectstatic --noinput \
    && mkdir -p /app/staticfiles /app/media /app/var \
    && chown -R portal:portal /app/staticfiles /app/media /app/var

# The app writes only to these (var/ holds OUTBOX_LOG_DIR by default). An empty
# named volume mounted on one inherits its content and portal ownership.
USER portal

EXPOSE 8000

CMD ["sh", "-c", "exec gunicorn portal.wsgi:application --bind 0.0.0.0:8000 --workers ${GUNICORN_WORKERS:-3} --worker-tmp-dir /dev/shm --access-logfile - --error-logfile -"]
