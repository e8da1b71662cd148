"""Demo discrimination reports for `seed_demo`: made up, spread over the last 14 months
so that the observatory shows figures (and hidden small cells) on a fresh portal."""

from __future__ import annotations

import datetime
import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from discrimination.models import Category, Ground, Report, ReportEvent, ReportMessage
from portal import codes
from portal.accounts import actions as account_actions
from portal.accounts.models import Membership, Organisation, User
from portal.accounts.roles import Role
from services.models import Service

CATEGORY_WEIGHTS = {
    Category.HOUSING: 25,
    Category.WORK: 18,
    Category.PUBLIC_SERVICE: 15,
    Category.POLICE: 8,
    Category.SCHOOL: 6,
    Category.HEALTH: 7,
    Category.PUBLIC_SPACE: 10,
    Category.ONLINE: 7,
    Category.OTHER: 4,
}
GROUND_WEIGHTS = {
    Ground.ORIGIN: 35,
    Ground.SKIN_COLOUR: 15,
    Ground.RELIGION: 12,
    Ground.PAPERS: 15,
    Ground.LANGUAGE: 10,
    Ground.GENDER: 8,
    Ground.OTHER: 5,
}
PLACE_WEIGHTS = {"centre": 30, "north": 22, "south": 20, "east": 14, "west": 3, "": 11}
ACCOUNTS = {
    Category.HOUSING: "L'agence a dit que l'appartement était loué dès qu'elle a entendu mon nom.",
    Category.WORK: "Le chef d'équipe se moque de mon accent devant les autres tous les jours.",
    Category.PUBLIC_SERVICE: "Au guichet, on m'a renvoyé sans regarder mon dossier.",
    Category.POLICE: "Contrôlé trois fois dans la même semaine près de la gare.",
    Category.SCHOOL: "L'école a refusé d'inscrire mon fils à la cantine.",
    Category.HEALTH: "Le cabinet a refusé le rendez-vous quand j'ai montré l'AME.",
    Category.PUBLIC_SPACE: "Des insultes dans le tram, personne n'a réagi.",
    Category.ONLINE: "Des messages de haine sous une vidéo de notre association.",
    Category.OTHER: "Refus d'entrée dans une salle de sport.",
}
REPORTS = 140


def _officer() -> User | None:
    officer = User.objects.filter(username="equality").first()
    office = Organisation.objects.filter(slug="maison-des-droits").first()
    if (
        officer is not None
        and office is not None
        and not Membership.objects.filter(user=officer, organisation=office).exists()
    ):
        account_actions.membership_create(user=officer, organisation=office, role=Role.CASEWORKER)
    return officer


@transaction.atomic
def seed() -> dict[str, int]:
    officer = _officer()
    if Report.objects.exists():
        return {"discrimination reports": 0}
    chooser = random.Random(2026)  # noqa: S311 - demo data, not security
    this_month = timezone.localdate().replace(day=1)
    public_services = list(
        Service.objects.filter(organisation__slug__in=["welcome-desk", "solidarity-association"])
    )
    reports, events, received_at = [], [], {}
    for index in range(REPORTS):
        months_ago = chooser.randint(1, 14)
        year, month = this_month.year, this_month.month - months_ago
        while month < 1:
            year, month = year - 1, month + 12
        incident = datetime.date(year, month, 1)
        category = chooser.choices(list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values()))[0]
        received = timezone.make_aware(
            datetime.datetime.combine(
                min(incident + datetime.timedelta(days=chooser.randint(0, 40)), this_month)
                - datetime.timedelta(days=1),
                datetime.time(chooser.randint(8, 21), chooser.randint(0, 59)),
            )
        )
        closed = months_ago > 2 and chooser.random() < 0.8
        service = (
            chooser.choice(public_services)
            if category == Category.PUBLIC_SERVICE and public_services and index % 3 == 0
            else None
        )
        report = Report(
            category=category,
            ground=chooser.choices(list(GROUND_WEIGHTS), list(GROUND_WEIGHTS.values()))[0],
            incident_month=incident,
            neighbourhood=chooser.choices(list(PLACE_WEIGHTS), list(PLACE_WEIGHTS.values()))[0],
            service=service,
            account=ACCOUNTS[category],
            language=chooser.choice(["fr", "fr", "ar", "fa", "uk", "ti", "es"]),
            code_digest=codes.code_hash(codes.normalise(codes.new_code()) or ""),
            status=Report.Status.CLOSED if closed else Report.Status.RECEIVED,
            close_reason=(
                chooser.choice(["supported", "no_action_wanted", "referred", "unreachable"])
                if closed
                else ""
            ),
            closed_at=received + datetime.timedelta(days=20) if closed else None,
        )
        if report.neighbourhood not in settings.PORTAL_NEIGHBOURHOODS:
            report.neighbourhood = ""  # a city whose neighbourhoods are not the demo's
        report.full_clean(exclude=["code_digest"])
        reports.append(report)
        received_at[report.pk] = received
    Report.objects.bulk_create(reports)
    for pk, moment in received_at.items():  # auto_now_add set them to now: spread them out
        Report.objects.filter(pk=pk).update(created_at=moment, updated_at=moment)
    for report in reports:
        events.append(ReportEvent(report=report, to_status=Report.Status.RECEIVED))
        if report.is_closed:
            events.append(
                ReportEvent(
                    report=report,
                    from_status=Report.Status.RECEIVED,
                    to_status=Report.Status.CLOSED,
                    actor=officer,
                )
            )
    ReportEvent.objects.bulk_create(events)
    answered = [report for report in reports if report.is_closed][:10]
    ReportMessage.objects.bulk_create(
        ReportMessage(
            report=report,
            kind=ReportMessage.Kind.ANSWER,
            text="Merci pour votre signalement. Nous pouvons vous recevoir le mardi matin, "
            "sans rendez-vous, à la Maison des droits et de l'égalité.",
            language="fr",
            author=officer,
        )
        for report in answered
    )
    return {"discrimination reports": len(reports)}
