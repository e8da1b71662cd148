"""Planted values through the referral, registration and voting scenarios (web pages and
actions, with Celery messages left queued in Redis): none is found in a `pg_dump`, in
any Redis key or in the captured logs. Codes given to people are canaries too: only
their hashes may be stored."""

from __future__ import annotations

import logging
import re
from decimal import Decimal

import pytest
from django.test import Client

from tests.database_dump import pg_dump_data
from tests.traces import redis_contents

CANARIES = {
    "name": "Zaynab Kanarienvogel",
    "address": "17 impasse des Canaris-Jaunes",
    "note": "Canary-note: Ilse Wendehals coughs at night",
    "phone": "+33 6 44 55 66 77",
    "pseudonym": "dossier-CANARY-4411",
}


@pytest.mark.django_db(transaction=True)
def test_no_canary_in_dump_redis_or_logs(caplog) -> None:  # type: ignore[no-untyped-def]
    from django.apps import apps

    from participation.models import Ballot
    from portal.accounts import actions as account_actions
    from portal.accounts.roles import Role, sync_role_permissions
    from portal.celery import app as celery_app
    from registration import actions as registration_actions
    from services import actions as referral_actions
    from tests.factories.participation import DistrictFactory, ProjectFactory, make_codes
    from tests.factories.services import ServiceFactory

    celery_app.control.purge()
    caplog.set_level(logging.DEBUG)
    sync_role_permissions(apps)
    desk = account_actions.organisation_create(name="Desk", slug="desk", is_accredited=True)
    clinic = account_actions.organisation_create(name="Clinic", slug="clinic")
    staff = {}
    for name, organisation in (("desk-cw", desk), ("clinic-cw", clinic)):
        user = account_actions.user_create(
            username=name, password=None, email=f"{name}@example.org", notify=False
        )
        account_actions.membership_create(
            user=user, organisation=organisation, role=Role.CASEWORKER
        )
        staff[name] = user

    # Referral: a note, a pseudonym and the person's phone, then accepted (SMS queued).
    referral = referral_actions.referral_create(
        caseworker=staff["desk-cw"],
        service=ServiceFactory(organisation=clinic),
        pseudonym_input=CANARIES["pseudonym"],
        consent="given",
        contact_channel="sms",
        contact_address=CANARIES["phone"],
        note=CANARIES["note"],
        send=True,
    )
    receiver = Client()
    receiver.force_login(staff["clinic-cw"])
    receiver.get(f"/fr/caseworker/referrals/{referral.pk}/")
    receiver.post(f"/fr/caseworker/referrals/{referral.pk}/", {"move": "accept"})

    # Registration: an attestation issued, verified publicly, opened and printed.
    issued = registration_actions.attestation_issue(
        caseworker=staff["desk-cw"],
        display_name=CANARIES["name"],
        birth_year=1990,
        address=CANARIES["address"],
        route="domiciliation",
        neighbourhood="south",
        evidence=["association"],
        residence_since=None,
        person_language="ar",
    )
    Client().get("/fr/register/verify/", {"code": issued.code})
    counter = Client()
    counter.force_login(staff["desk-cw"])
    for action in ("open", "pdf"):
        counter.post("/fr/register/counter/", {"action": action, "code": issued.code})

    # Voting: an eligibility code cast online, the receipt checked.
    district = DistrictFactory(budget=Decimal(100_000))
    project = ProjectFactory(district=district, estimated_cost=Decimal(40_000))
    (code,) = make_codes(district.process, 1)
    voter = Client()
    cast = voter.post(
        f"/fr/participate/{district.process.slug}/vote/",
        {"code": code, "district": district.pk, "step": "cast", "project": [project.pk]},
    )
    assert cast.status_code == 200 and Ballot.objects.count() == 1
    receipt = re.search(r"<code>([A-Z2-7-]{32})</code>", cast.content.decode()).group(1)  # type: ignore[union-attr]
    voter.get(f"/fr/participate/{district.process.slug}/receipt/", {"receipt": receipt})

    dump = pg_dump_data()
    assert str(referral.pk) in dump and "registration_attestation" in dump  # the right database
    redis = redis_contents()
    assert redis.count("notification_deliver_task") >= 2  # the messages were queued
    logs = "\n".join(record.getMessage() for record in caplog.records)
    codes = [issued.code, code, receipt]
    for where, text in (("pg_dump", dump), ("redis", redis), ("logs", logs)):
        for value in [*CANARIES.values(), *codes, *(c.replace("-", "") for c in codes)]:
            assert value not in text, f"{value!r} found in {where}"
        for fragment in ("Kanarienvogel", "Wendehals", "44 55 66", "Canaris-Jaunes"):
            assert fragment not in text, f"{fragment!r} found in {where}"
    celery_app.control.purge()
