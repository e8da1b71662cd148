from __future__ import annotations

import pytest

from portal.accounts import actions as account_actions
from portal.accounts.roles import Role


@pytest.fixture
def counters(db):  # type: ignore[no-untyped-def]
    """Two caseworkers at two accredited organisations, and one at an unaccredited one."""
    people = {}
    for name, accredited in (("welcome", True), ("association", True), ("clinic", False)):
        organisation = account_actions.organisation_create(
            name=name.title(), slug=name, is_accredited=accredited
        )
        user = account_actions.user_create(username=f"cw-{name}", password=None, notify=False)
        account_actions.membership_create(
            user=user, organisation=organisation, role=Role.CASEWORKER
        )
        people[name] = user
    return people


PLANTED = {"display_name": "Zaynab Plantedname", "address": "99 rue des Canaris Plantés"}


def issue(caseworker, **overrides):  # type: ignore[no-untyped-def]
    from registration import actions

    values = {
        "caseworker": caseworker,
        "display_name": PLANTED["display_name"],
        "birth_year": 1990,
        "address": PLANTED["address"],
        "route": "domiciliation",
        "neighbourhood": "south",
        "evidence": ["association"],
        "residence_since": None,
        "person_language": "ar",
    }
    values.update(overrides)
    return actions.attestation_issue(**values)
