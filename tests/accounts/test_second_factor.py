"""Staff sign in with a password and a code from an authenticator app (TOTP): a first
sign-in sets the app up and gives ten backup codes; until the code is typed, the session
reaches nothing but the second-factor page; codes work once; wrong codes slow down;
a city admin can reset a lost second factor. Residents' own accounts need none."""

from __future__ import annotations

import re
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts import actions
from portal.accounts.roles import Role
from portal.audit.models import AuditEntry
from tests.factories.accounts import OrganisationFactory
from tests.second_factor import PASSWORD, code_for, code_for_secret

pytestmark = pytest.mark.django_db

SETUP = "/fr/account/two-factor/"


@pytest.fixture(autouse=True)
def _no_lockout_left() -> None:
    cache.clear()


@pytest.fixture
def caseworker():  # type: ignore[no-untyped-def]
    user = actions.user_create(username="desk-worker", password=PASSWORD, notify=False)
    actions.membership_create(user=user, organisation=OrganisationFactory(), role=Role.CASEWORKER)
    return user


def _sign_in(client: Client, username: str, next_path: str = "/fr/caseworker/") -> str:
    response = client.post(
        f"/fr/admin/login/?next={next_path}", {"username": username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def _secret(page: str) -> str:
    found = re.search(r'<code class="secret" dir="ltr">([A-Z2-7 ]+)</code>', page)
    assert found, "the setup page shows the key"
    return found.group(1)


def test_first_sign_in_sets_up_the_app_and_gives_backup_codes(caseworker) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    landing = _sign_in(client, "desk-worker")
    # The password alone reaches nothing: every page sends to the second-factor page.
    response = client.get(landing)
    assert response.status_code == 302
    assert response["Location"] == SETUP + "?next=%2Ffr%2Fcaseworker%2F"
    setup = client.get(response["Location"])
    page = setup.content.decode()
    assert setup.status_code == 200 and "<svg" in page and "Configurer" in page
    assert setup["Cache-Control"].startswith("max-age=0") and "no-store" in setup["Cache-Control"]
    secret = _secret(page)
    assert _secret(client.get(SETUP).content.decode()) == secret  # a reload keeps the key

    wrong = client.post(SETUP, {"code": "000000", "next": "/fr/caseworker/"})
    assert wrong.status_code == 200 and 'aria-invalid="true"' in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=caseworker, confirmed=True).exists()
    assert client.get("/fr/caseworker/").status_code == 302  # still not through
    time.sleep(1.1)  # after a wrong code the device waits a second

    done = client.post(SETUP, {"code": code_for_secret(secret), "next": "/fr/caseworker/"})
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert done.status_code == 200 and len(set(codes)) == 10
    assert client.get("/fr/caseworker/").status_code == 200
    assert AuditEntry.objects.filter(object_pk=str(caseworker.pk), detail="second factor set up")
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(codes)


def test_later_sign_ins_need_the_current_code_once(caseworker) -> None:  # type: ignore[no-untyped-def]
    device = TOTPDevice.objects.create(user=caseworker, name="authenticator", confirmed=True)
    first = Client()
    _sign_in(first, "desk-worker")
    verify = first.get(SETUP + "?next=/fr/caseworker/")
    assert "Deuxième facteur" in verify.content.decode() and "<svg" not in verify.content.decode()
    bad = first.post(SETUP, {"code": "123456", "next": "/fr/caseworker/"})
    assert "Ce code n\u2019est pas le bon" in bad.content.decode()
    time.sleep(1.1)  # one wrong code: the device waits a second before the next try
    code = code_for(device.bin_key)
    before = first.cookies["sessionid"].value
    ok = first.post(SETUP, {"code": code, "next": "/fr/caseworker/"})
    assert ok.status_code == 302 and ok["Location"] == "/fr/caseworker/"
    assert first.cookies["sessionid"].value != before  # a new session key with the code
    assert first.get("/fr/caseworker/").status_code == 200
    # The same code cannot open a second session (it was used).
    second = Client()
    _sign_in(second, "desk-worker")
    replay = second.post(SETUP, {"code": code, "next": "/fr/caseworker/"})
    assert replay.status_code == 200 and second.get("/fr/caseworker/").status_code == 302


def test_a_backup_code_works_once(caseworker) -> None:  # type: ignore[no-untyped-def]
    TOTPDevice.objects.create(user=caseworker, name="authenticator", confirmed=True)
    backup = StaticDevice.objects.create(user=caseworker, name="backup codes", confirmed=True)
    backup.token_set.create(token="abcd2345")
    client = Client()
    _sign_in(client, "desk-worker")
    assert client.post(SETUP, {"code": "ABCD 2345"})["Location"] == "/fr/"
    again = Client()
    _sign_in(again, "desk-worker")
    assert again.post(SETUP, {"code": "abcd2345"}).status_code == 200  # used up
    assert again.get("/fr/caseworker/").status_code == 302


def test_wrong_codes_in_a_row_are_slowed_down(caseworker) -> None:  # type: ignore[no-untyped-def]
    device = TOTPDevice.objects.create(user=caseworker, name="authenticator", confirmed=True)
    client = Client()
    _sign_in(client, "desk-worker")
    for _ in range(3):
        client.post(SETUP, {"code": "000000"})
    # Even the right code is refused while the device waits (4 s after 3 failures).
    refused = client.post(SETUP, {"code": code_for(device.bin_key)})
    assert "Attendez une minute" in refused.content.decode()
    assert client.get("/fr/caseworker/").status_code == 302


def test_a_password_only_session_is_anonymous_to_the_api_and_the_admin(caseworker) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    _sign_in(client, "desk-worker", "/fr/admin/")
    assert client.get("/api/v1/referrals/").status_code in (401, 403)
    admin = client.get("/fr/admin/")
    assert admin.status_code == 302 and admin["Location"].startswith(SETUP)
    # Signing out is open before the code.
    assert client.post("/fr/account/sign-out/")["Location"] == "/fr/"
    assert "_auth_user_id" not in client.session
    # Once verified, the API answers for the caseworker's organisation.
    client.force_login(caseworker)
    assert client.get("/api/v1/referrals/").status_code == 200


def test_the_next_address_stays_on_this_site(caseworker) -> None:  # type: ignore[no-untyped-def]
    device = TOTPDevice.objects.create(user=caseworker, name="authenticator", confirmed=True)
    client = Client()
    _sign_in(client, "desk-worker")
    response = client.post(
        SETUP, {"code": code_for(device.bin_key), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/fr/"


def test_residents_accounts_do_not_need_a_second_factor() -> None:
    resident = actions.user_create(username="resident-lea", password=PASSWORD, notify=False)
    client = Client()
    client.password_only_login(resident)  # type: ignore[attr-defined]
    assert client.get("/fr/participate/").status_code == 200
    assert client.get(SETUP).status_code == 200  # they may set one up all the same


def test_a_city_admin_resets_a_lost_second_factor(caseworker) -> None:  # type: ignore[no-untyped-def]
    TOTPDevice.objects.create(user=caseworker, name="authenticator", confirmed=True)
    StaticDevice.objects.create(user=caseworker, name="backup codes", confirmed=True)
    session = Client()
    session.force_login(caseworker)
    assert session.get("/fr/caseworker/").status_code == 200
    city = actions.user_create(
        username="city-admin", password=PASSWORD, roles=[Role.CITY_ADMIN], notify=False
    )
    admin = Client()
    admin.force_login(city)
    response = admin.post(
        "/fr/admin/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [caseworker.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=caseworker).exists()
    assert not StaticDevice.objects.filter(user=caseworker).exists()
    assert session.get("/fr/caseworker/").status_code == 302  # their session ended
    assert AuditEntry.objects.filter(
        actor=city, object_pk=str(caseworker.pk), detail="second factor reset"
    ).exists()
    # At the next sign-in they set up a new authenticator.
    fresh = Client()
    _sign_in(fresh, "desk-worker")
    assert "<svg" in fresh.get(SETUP).content.decode()


def test_authenticator_secrets_are_not_browsable_in_the_admin() -> None:
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)
