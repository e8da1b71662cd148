"""Reads of discrimination reports. Only the office's officers reach a report; an
organisation a report was forwarded to sees it without the account or contact details."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone

from discrimination.models import Category, Ground, Report
from portal import codes
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.statistics import Table, suppress_linked


def is_officer(*, user: User) -> bool:
    """Holders of the non-discrimination officer role, and nobody else: city admins and
    superusers do not get it implicitly, because reports are about people."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.groups.filter(name=str(Role.DISCRIMINATION_OFFICER)).exists()
    )


def report_queue(*, status: str = "") -> QuerySet[Report]:
    reports = Report.objects.select_related("service").order_by("-created_at")
    if status in Report.Status.values:
        reports = reports.filter(status=status)
    elif status == "open":
        reports = reports.exclude(status=Report.Status.CLOSED)
    return reports


def report_by_code(*, code: str) -> Report | None:
    """The report a follow-up code belongs to, or None. The lookup is by hash; a
    malformed code costs the same work (hash and query) as an unknown one."""
    canonical = codes.normalise(code)
    found = Report.objects.filter(code_digest=codes.code_hash(canonical or "-")).first()
    return found if canonical is not None else None


def organisation_ids_admin_of(*, user: User) -> set[int]:
    return set(
        user.memberships.filter(role=Role.ORGANISATION_ADMIN, user__is_active=True).values_list(
            "organisation_id", flat=True
        )
    )


def forwarded_for(*, user: User) -> QuerySet[Report]:
    """Reports forwarded to an organisation `user` administers."""
    return (
        Report.objects.filter(forwarded_to_id__in=organisation_ids_admin_of(user=user))
        .select_related("service", "forwarded_to")
        .order_by("-forwarded_at")
    )


# --- Observatory -----------------------------------------------------------------------------

NOT_GIVEN = "-"
EARLIER = "earlier"


def observatory_until(today: datetime.date | None = None) -> datetime.date:
    """Figures include reports received before this day: the first of the current month,
    so the published tables change once a month, not with each new report."""
    today = today or timezone.localdate()
    return today.replace(day=1)


def observatory_tables(*, until: datetime.date | None = None) -> dict[str, Table]:
    """Reports by month it happened, ground and neighbourhood, against the category,
    small cells hidden and none derivable across the three tables. No free text and no
    place finer than a neighbourhood ever enters these figures."""
    until = until or observatory_until()
    start = timezone.make_aware(datetime.datetime.combine(until, datetime.time.min))
    reports = Report.objects.filter(created_at__lt=start).exclude(
        close_reason=Report.CloseReason.NOT_A_REPORT
    )
    columns = list(Category.values)
    by_month: dict[tuple[str, str], int] = defaultdict(int)
    for row in reports.values("incident_month", "category").annotate(count=Count("pk")):
        # incident_month is always the first of its month; empty means "earlier".
        month = row["incident_month"].strftime("%Y-%m") if row["incident_month"] else EARLIER
        by_month[(month, row["category"])] += row["count"]
    by_ground = {
        (row["ground"], row["category"]): row["count"]
        for row in reports.values("ground", "category").annotate(count=Count("pk"))
    }
    by_place: dict[tuple[str, str], int] = defaultdict(int)
    known = set(settings.PORTAL_NEIGHBOURHOODS)
    for row in reports.values("neighbourhood", "category").annotate(count=Count("pk")):
        place = row["neighbourhood"] if row["neighbourhood"] in known else NOT_GIVEN
        by_place[(place, row["category"])] += row["count"]
    months = sorted({key[0] for key in by_month} - {EARLIER})
    month_rows = months + ([EARLIER] if any(key[0] == EARLIER for key in by_month) else [])
    place_rows = [*settings.PORTAL_NEIGHBOURHOODS, NOT_GIVEN]
    return suppress_linked(
        {
            "month": (dict(by_month), month_rows),
            "ground": (by_ground, list(Ground.values)),
            "neighbourhood": (dict(by_place), place_rows),
        },
        columns=columns,
    )
