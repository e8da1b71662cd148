import pytest
from django.core.management import call_command
from django.http import HttpRequest

from portal.accounts.models import Membership, Organisation, User
from portal.models import HomeNotice

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int, int]:
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        HomeNotice.objects.count(),
    )


def test_seed_demo_is_idempotent_and_logins_work(client: object) -> None:
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    assert first[0] >= 3 and first[1] >= 6
    assert client.login(  # type: ignore[attr-defined]
        request=HttpRequest(), username="caseworker", password="caseworker-demo-2026"
    )  # django-axes needs the request to count failures
    caseworker = User.objects.get(username="caseworker")
    assert caseworker.groups.filter(name="caseworker").exists()
    assert User.objects.get(username="admin").is_superuser
