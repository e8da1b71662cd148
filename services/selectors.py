"""Reads of the directory core and of referrals.

Referral reads are scoped here, not only in views: a user sees the referrals to or from
the organisations they are a member of, and nothing else. There is no read by anything
about a person; the card code only narrows the user's own organisations' referrals.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth

from portal.accounts.models import Membership, User
from portal.accounts.roles import Role
from portal.audit.models import AuditEntry
from portal.statistics import Table, suppress_linked
from services.models import Referral, ReferralEvent, ReferralNote, Service


def organisation_ids_of(*, user: User) -> set[int]:
    if not user.is_authenticated or not user.is_active:
        return set()
    cached = getattr(user, "_referral_organisation_ids", None)
    if cached is None:
        cached = set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
        user._referral_organisation_ids = cached  # type: ignore[attr-defined]
    return cached


def is_organisation_admin(*, user: User, organisation_id: int) -> bool:
    return Membership.objects.filter(
        user=user, organisation_id=organisation_id, role=Role.ORGANISATION_ADMIN
    ).exists()


def referral_queryset_for(*, user: User) -> QuerySet[Referral]:
    organisations = organisation_ids_of(user=user)
    if not organisations:
        return Referral.objects.none()
    # The receiving side sees a referral once it has been sent (never a draft).
    return Referral.objects.filter(
        Q(sending_organisation_id__in=organisations)
        | Q(receiving_organisation_id__in=organisations, sent_at__isnull=False)
    )


def referral_list(
    *,
    user: User,
    direction: str = "",
    status: str = "",
    service_id: str = "",
    client_token: str = "",
) -> QuerySet[Referral]:
    """The user's organisations' referrals, newest first, with what the list shows."""
    organisations = organisation_ids_of(user=user)
    referrals = referral_queryset_for(user=user)
    if direction == "received":
        referrals = referrals.filter(receiving_organisation_id__in=organisations)
    elif direction == "sent":
        referrals = referrals.filter(sending_organisation_id__in=organisations)
    if status in Referral.Status.values:
        referrals = referrals.filter(status=status)
    if service_id:
        referrals = referrals.filter(service_id=service_id)
    if client_token:
        referrals = referrals.filter(client_token=client_token)
    return referrals.select_related(
        "service", "need", "sending_organisation", "receiving_organisation"
    ).order_by("-created_at")


def referral_get(*, user: User, referral_id: object) -> Referral:
    """One referral with its history and unexpired notes; DoesNotExist for others'."""
    from django.utils import timezone

    return (
        referral_queryset_for(user=user)
        .select_related(
            "service", "need", "sending_organisation", "receiving_organisation", "created_by"
        )
        .prefetch_related(
            Prefetch(
                "events",
                queryset=ReferralEvent.objects.select_related("actor", "organisation"),
            ),
            Prefetch(
                "notes",
                queryset=ReferralNote.objects.filter(expires_at__gte=timezone.now()).select_related(
                    "author", "organisation"
                ),
            ),
        )
        .get(pk=referral_id)
    )


def returning_count(*, referral: Referral) -> int:
    """Earlier referrals of the same sending organisation with the same pseudonym."""
    if not referral.pseudonym:
        return 0
    return (
        Referral.objects.filter(
            sending_organisation_id=referral.sending_organisation_id,
            pseudonym=referral.pseudonym,
            created_at__lt=referral.created_at,
        )
        .exclude(pk=referral.pk)
        .count()
    )


def referral_audit_for_organisation(*, user: User, organisation_id: int) -> QuerySet[AuditEntry]:
    """Who read or changed the organisation's referrals (organisation admins only)."""
    from django.contrib.contenttypes.models import ContentType

    if organisation_id not in organisation_ids_of(user=user) or not is_organisation_admin(
        user=user, organisation_id=organisation_id
    ):
        return AuditEntry.objects.none()
    referral_ids = Referral.objects.filter(
        Q(sending_organisation_id=organisation_id) | Q(receiving_organisation_id=organisation_id)
    ).values_list("pk", flat=True)
    return (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Referral),
            object_pk__in=[str(pk) for pk in referral_ids],
        )
        .select_related("actor")
        .order_by("-occurred_at")
    )


SERVICE_PREFETCH = (
    "needs",
    "languages",
    "schedules",
    "closures",
    "phones",
    "required_documents",
    "cost_options",
    "service_at_locations__schedules",
    "service_at_locations__location__addresses",
    "service_at_locations__location__accessibility",
    "service_at_locations__location__languages",
    "service_at_locations__location__phones",
)


def service_get(*, service_id: object) -> Service:
    return (
        Service.objects.select_related("organisation")
        .prefetch_related(*SERVICE_PREFETCH)
        .get(pk=service_id)
    )


def service_may_be_outdated(*, service: Service, today: object) -> bool:
    """Not confirmed for longer than SERVICE_ASSURANCE_MONTHS (or never)."""
    import datetime

    from django.conf import settings

    if service.last_assured_date is None:
        return True
    limit = settings.SERVICE_ASSURANCE_MONTHS * 31
    return (today - service.last_assured_date) > datetime.timedelta(days=limit)  # type: ignore[operator]


def service_list_for_results(service_ids: list[object]) -> list[Service]:
    """The services of a page of results, with what each line shows (name, organisation,
    today's hours, open now), in five queries whatever their number; the HSDS API reads
    its own, nested, for what it answers.

    The related rows come as plain lists (`listed_…`, read by services.search), without
    the links back to their service that Django's prefetch adds: those links, and the
    queryset it makes per service and relation, left some 1,700 objects in reference
    cycles per page (4,000 with the service page's relations), and the garbage
    collector's full collections then stopped a search for up to 130 ms."""
    from collections import defaultdict

    from services.models import Closure, Schedule, ServiceAtLocation

    services = list(Service.objects.filter(pk__in=service_ids).select_related("organisation"))
    ids = [service.pk for service in services]

    def grouped(rows, key: str) -> dict[object, list[object]]:  # type: ignore[no-untyped-def]
        groups: dict[object, list[object]] = defaultdict(list)
        for row in rows:
            groups[getattr(row, key)].append(row)
        return groups

    schedules = grouped(Schedule.objects.filter(service_id__in=ids), "service_id")
    closures = grouped(Closure.objects.filter(service_id__in=ids), "service_id")
    places = grouped(ServiceAtLocation.objects.filter(service_id__in=ids), "service_id")
    place_schedules = grouped(
        Schedule.objects.filter(service_at_location__service_id__in=ids), "service_at_location_id"
    )
    for service in services:
        service.listed_schedules = schedules[service.pk]  # type: ignore[attr-defined]
        service.listed_closures = closures[service.pk]  # type: ignore[attr-defined]
        service.listed_service_at_locations = places[service.pk]  # type: ignore[attr-defined]
        for place in service.listed_service_at_locations:  # type: ignore[attr-defined]
            place.listed_schedules = place_schedules[place.pk]
    return services


# --- Statistics ------------------------------------------------------------------------------

OUTCOMES = [
    Referral.Status.SENT,
    Referral.Status.ACCEPTED,
    Referral.Status.DECLINED,
    Referral.Status.COMPLETED,
    Referral.Status.NO_SHOW,
    Referral.Status.WITHDRAWN,
]


def referral_statistics() -> dict[str, Table]:
    """Sent referrals by month, need and service against their outcome (current status),
    small cells hidden with secondary suppression. Drafts are not counted."""
    sent = Referral.objects.exclude(status=Referral.Status.DRAFT).exclude(sent_at__isnull=True)
    columns = [str(outcome) for outcome in OUTCOMES]

    def rows(counts: dict[tuple[str, str], int]) -> list[str]:
        return sorted({key[0] for key in counts})

    by_month = {
        (row["month"].strftime("%Y-%m"), row["status"]): row["count"]
        for row in sent.annotate(month=TruncMonth("sent_at"))
        .values("month", "status")
        .annotate(count=Count("pk"))
    }
    by_need: dict[tuple[str, str], int] = defaultdict(int)
    for row in sent.values("need__name", "status").annotate(count=Count("pk")):
        by_need[(row["need__name"] or "—", row["status"])] += row["count"]
    by_service: dict[tuple[str, str], int] = defaultdict(int)
    for row in sent.values("service__name", "service__organisation__name", "status").annotate(
        count=Count("pk")
    ):
        label = f"{row['service__name']} — {row['service__organisation__name']}"
        by_service[(label, row["status"])] += row["count"]
    return suppress_linked(
        {
            "month": (by_month, rows(by_month)),
            "need": (dict(by_need), rows(by_need)),
            "service": (dict(by_service), rows(by_service)),
        },
        columns=columns,
    )
