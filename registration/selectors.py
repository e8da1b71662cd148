from __future__ import annotations

from django.db.models import Count
from django.db.models.functions import TruncMonth

from portal.statistics import Table, suppress_linked
from registration.models import Attestation, Route


def registration_statistics() -> dict[str, Table]:
    """Attestations issued by month and by neighbourhood, per route, small cells hidden.
    Erased records still count: erasure removes the person, not the figure."""
    routes = list(Route.values)
    by_month = {
        (row["month"].strftime("%Y-%m"), row["route"]): row["count"]
        for row in Attestation.objects.annotate(month=TruncMonth("valid_from"))
        .values("month", "route")
        .annotate(count=Count("id"))
    }
    by_place = {
        (row["neighbourhood"], row["route"]): row["count"]
        for row in Attestation.objects.values("neighbourhood", "route").annotate(count=Count("id"))
    }
    return suppress_linked(
        {
            "month": (by_month, sorted({key[0] for key in by_month})),
            "neighbourhood": (by_place, sorted({key[0] for key in by_place})),
        },
        columns=routes,
    )
