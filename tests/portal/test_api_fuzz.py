"""Schemathesis over the whole OpenAPI schema, in process (WSGI), on the real database:
for every operation, generated requests (valid and invalid) from anonymous callers and
with real API tokens of each kind of account. No answer may be a server error, and
every documented answer must match its schema (body and content type).

`make test` runs 100 examples per operation (FUZZ_EXAMPLES); `make fuzz` runs more.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from portal.wsgi import application

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))

CALLERS = itertools.cycle(("anonymous", "caseworker", "organisation-admin", "city-admin"))

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture
def keep_connection() -> Iterator[None]:
    """Requests go straight to the WSGI application, whose end-of-request signal would
    close the test's database connection (its transaction with it); Django's own test
    client disconnects that handler the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(keep_connection: None) -> dict[str, str]:
    """A small world the API can answer about, and one token per kind of account."""
    from portal.accounts import actions
    from portal.accounts.roles import Role
    from tests.factories.accounts import OrganisationFactory
    from tests.factories.participation import DistrictFactory, ProjectFactory
    from tests.factories.services import ServiceFactory

    cache.clear()  # rate-limit counters
    organisation = OrganisationFactory()
    ServiceFactory(organisation=organisation)
    ProjectFactory(district=DistrictFactory())
    found = {"anonymous": ""}
    for name, role, global_roles in (
        ("caseworker", Role.CASEWORKER, []),
        ("organisation-admin", Role.ORGANISATION_ADMIN, []),
        ("city-admin", None, [Role.CITY_ADMIN]),
    ):
        user = actions.user_create(username=f"fuzz-{name}", password=None, roles=global_roles)
        if role is not None:
            actions.membership_create(user=user, organisation=organisation, role=role)
        found[name] = actions.api_token_create(user=user, name="fuzzing")[1]
    return found


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_survives_generated_requests(case, tokens) -> None:  # type: ignore[no-untyped-def]
    who = next(CALLERS)  # each example in turn: anonymous, then each account's token
    headers = {"Authorization": f"Token {tokens[who]}"} if tokens[who] else {}
    case.call_and_validate(
        headers=headers,
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
