"""The Celery queues, by name. No Django import: `portal.devstack` reads it before
Django is set up, and the settings build `CELERY_TASK_QUEUES` and routes from it.

Each queue can get its own workers (docker-compose.yml, docs/deployment.md), so a burst
of translation jobs never delays a notification or a tally.
"""

from __future__ import annotations

DEFAULT = "celery"  # Celery's default: everything not routed below
NOTIFICATIONS = "notifications"  # portal.notifications.tasks
TRANSLATIONS = "translations"  # portal.i18n.tasks
TALLIES = "tallies"  # participation.tasks (participatory budget tallies)

ALL = (DEFAULT, NOTIFICATIONS, TRANSLATIONS, TALLIES)
