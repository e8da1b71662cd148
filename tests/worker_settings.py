"""Settings of a Celery worker that a test starts as a process of its own: the test
settings, on the database and Redis the test names in DATABASE_URL and REDIS_URL, and
sending mail over SMTP to the local server it names in EMAIL_URL."""

from portal.settings.test import *  # noqa: F403 - a settings module extends another
from portal.settings.test import env

vars().update(env.email_url("EMAIL_URL"))
