"""The read replica: anonymous public page reads go to it, everything else reads from the
primary, so nobody reads their own write from a lagging copy.

The test settings declare "replica" as a test mirror of "default" (the same PostgreSQL
database through its own connection), so each query can be traced to the alias that ran
it; the `replica` fixture turns the router on as `DATABASE_REPLICA_URL` would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connections, router, transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from participation.models import Process
from portal.accounts.models import User
from portal.db_router import PRIMARY, REPLICA, PublicReadMiddleware, ReplicaRouter
from portal.models import HomeNotice
from services.models import OutdatedReport
from tests.factories.guide import ArticleFactory
from tests.factories.participation import ProcessFactory
from tests.factories.portal import HomeNoticeFactory
from tests.factories.services import ServiceFactory

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])


@pytest.fixture
def replica(settings: object) -> None:
    settings.DATABASE_ROUTERS = ["portal.db_router.ReplicaRouter"]  # type: ignore[attr-defined]


class Traced:
    def __init__(self, primary: CaptureQueriesContext, replica: CaptureQueriesContext) -> None:
        self._primary, self._replica = primary, replica

    @staticmethod
    def _selects(captured: CaptureQueriesContext) -> list[str]:
        return [query["sql"] for query in captured if query["sql"].lstrip().startswith("SELECT")]

    @property
    def primary(self) -> list[str]:
        return self._selects(self._primary)

    @property
    def replica(self) -> list[str]:
        return self._selects(self._replica)


@contextmanager
def traced() -> Iterator[Traced]:
    """The SELECTs each alias ran inside the block."""
    with (
        CaptureQueriesContext(connections[PRIMARY]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        yield Traced(primary, replica)


def test_an_anonymous_reader_of_public_pages_reads_from_the_replica(replica: None) -> None:
    HomeNoticeFactory(title_fr="Permanence juridique jeudi")
    article = ArticleFactory(title_fr="Le droit au logement")
    client = Client()
    for path, text in (
        ("/fr/", "Permanence juridique jeudi"),
        (f"/fr/guide/{article.topic.slug}/{article.slug}/", "Le droit au logement"),
    ):
        with traced() as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        assert text in response.content.decode()
        assert queries.replica, path
        assert queries.primary == [], path


def test_without_the_router_everything_reads_from_the_primary() -> None:
    """No DATABASE_REPLICA_URL, no router: the same request as above never uses it."""
    HomeNoticeFactory(title_fr="Permanence juridique jeudi")
    with traced() as queries:
        response = Client().get("/fr/")
    assert "Permanence juridique jeudi" in response.content.decode()
    assert queries.primary
    assert queries.replica == []


def test_a_public_form_sent_reads_and_writes_on_the_primary(replica: None) -> None:
    service = ServiceFactory()
    client = Client()
    with traced() as queries:
        response = client.post(f"/fr/services/{service.pk}/report/", {"problem": "hours"})
    assert response.status_code == 302
    assert OutdatedReport.objects.filter(service=service).exists()
    assert queries.primary  # the service looked up before the report is written
    assert queries.replica == []


@pytest.mark.parametrize("cookie", ["sessionid", "csrftoken"])
def test_a_reader_with_a_session_or_csrf_cookie_reads_from_the_primary(
    replica: None, cookie: str
) -> None:
    """Whoever has a session or has been given a form's token may be about to read back
    what they sent: nginx does not cache their pages, and the replica does not serve them."""
    HomeNoticeFactory()
    client = Client()
    client.cookies[cookie] = "x" * 32
    with traced() as queries:
        assert client.get("/fr/").status_code == 200
    assert queries.primary
    assert queries.replica == []


def test_staff_read_from_the_primary(replica: None) -> None:
    HomeNoticeFactory()
    staff = User.objects.create_user(
        username="cityadmin", password="a-long-test-password-1", is_staff=True, is_superuser=True
    )
    client = Client()
    client.force_login(staff)
    for path in ("/fr/admin/", "/fr/admin/accounts/organisation/", "/fr/"):
        with traced() as queries:
            assert client.get(path).status_code == 200, path
        assert queries.primary, path
        assert queries.replica == [], path


def test_pages_that_must_be_fresh_read_from_the_primary(replica: None) -> None:
    """A receipt checked just after voting, the vote itself: views that are never cached
    never read a copy either. The API and the health check read from the primary too."""
    process = ProcessFactory()
    client = Client()
    for path in (
        f"/fr/participate/{process.slug}/receipt/",
        f"/fr/participate/{process.slug}/vote/",
        "/api/v1/participation/processes/",
        "/healthz",
    ):
        with traced() as queries:
            client.get(path)
        assert queries.replica == [], path
    with traced() as queries:
        assert client.get(f"/fr/participate/{process.slug}/").status_code == 200
    assert queries.replica and queries.primary == []


def test_a_task_outside_any_request_reads_from_the_primary(replica: None) -> None:
    from participation.tasks import process_tally_task
    from portal.notifications.tasks import notification_requeue_pending_task

    process = ProcessFactory()
    with traced() as queries:
        notification_requeue_pending_task.apply()
        process_tally_task.apply(args=(process.pk,))
    assert queries.primary
    assert queries.replica == []


def test_reads_in_a_transaction_or_after_a_write_go_to_the_primary(replica: None) -> None:
    chosen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        chosen.append(router.db_for_read(HomeNotice))
        with transaction.atomic():
            chosen.append(router.db_for_read(HomeNotice))
        chosen.append(router.db_for_read(HomeNotice))
        HomeNoticeFactory()  # a write: what follows must see it
        chosen.append(router.db_for_read(HomeNotice))
        return HttpResponse()

    request = RequestFactory().get("/fr/")
    middleware = PublicReadMiddleware(view)

    def handler(request: HttpRequest) -> HttpResponse:
        middleware.process_view(request, view, (), {})
        return view(request)

    PublicReadMiddleware(handler)(request)
    assert chosen == [REPLICA, PRIMARY, REPLICA, PRIMARY]
    assert router.db_for_read(HomeNotice) == PRIMARY  # the mark ends with the request


def test_router_rules() -> None:
    rules = ReplicaRouter()
    assert rules.db_for_read(Process) == PRIMARY  # no request: the primary
    assert rules.db_for_write(Process) == PRIMARY
    assert rules.allow_migrate(PRIMARY, "participation") is True
    assert rules.allow_migrate(REPLICA, "participation") is False
    from_replica, from_primary = Process(), User()
    from_replica._state.db, from_primary._state.db = REPLICA, PRIMARY
    assert rules.allow_relation(from_replica, from_primary) is True


def settings_value(expression: str, **environment: str) -> str:
    from tests.portal.test_settings import PRODUCTION

    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION and key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_REPLICA_URL"}
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            f"print(repr(({expression})))",
        ],
        cwd=BASE_DIR,
        env={**clean, **PRODUCTION, **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_production_settings_add_the_replica_only_when_configured() -> None:
    expression = "sorted(settings.DATABASES), settings.DATABASE_ROUTERS"
    assert settings_value(expression) == "(['default'], [])"
    with_replica = settings_value(
        expression + ", settings.DATABASES['replica']['HOST']",
        DATABASE_REPLICA_URL="postgres://portal:pw@replica.internal:5432/portal",
    )
    assert with_replica == (
        "(['default', 'replica'], ['portal.db_router.ReplicaRouter'], 'replica.internal')"
    )
