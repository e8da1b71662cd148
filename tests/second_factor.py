"""Signing in as staff in tests: the password, then the authenticator code.

`client.force_login(user)` stands for a completed sign-in (the suite's conftest verifies
the session's second factor too); the helpers here do it the way a person does.
"""

from __future__ import annotations

import time
from base64 import b32decode

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp

PASSWORD = "a-long-test-password-1"


def code_for(key: bytes, *, step: int = 30, after_t: int = -1) -> str:
    """The code an authenticator app shows for `key` now (or the next step, when the
    current one was already used: a code works once)."""
    now_t = int(time.time()) // step
    t = max(now_t, after_t + 1)
    return f"{totp(key, step=step, t0=0, digits=6, drift=t - now_t):06d}"


def code_for_secret(secret: str) -> str:
    """From the key as the setup page shows it (base32, in groups of four)."""
    compact = "".join(secret.split())
    return code_for(b32decode(compact + "=" * (-len(compact) % 8)))


def device_code(user: object) -> str:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return code_for(device.bin_key, after_t=device.last_t)


def verify_session(client: object, user: object) -> None:
    """Mark a test client's session as past the second factor (what the second-factor
    page does after a right code), creating the user's authenticator if needed."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    session = client.session  # type: ignore[attr-defined]
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def browser_log_in(page: object, base: str, username: str, next_path: str) -> None:
    """Sign in in the browser: password, then set up the authenticator from the key the
    page shows (first sign-in) or type its current code, and land on `next_path`."""
    from django.contrib.auth import get_user_model

    page.goto(f"{base}/fr/admin/login/?next={next_path}")  # type: ignore[attr-defined]
    page.fill("input[name=username]", username)  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    page.locator("input[type=submit]").click()  # type: ignore[attr-defined]
    page.wait_for_url("**/account/two-factor/**")  # type: ignore[attr-defined]
    secret = page.locator("code.secret")  # type: ignore[attr-defined]
    if secret.count():
        page.fill("input[name=code]", code_for_secret(secret.inner_text()))  # type: ignore[attr-defined]
        page.locator("form:has(input[name=code]) button[type=submit]").click()  # type: ignore[attr-defined]
        page.locator("a.button").click()  # the backup codes page's "Continue"  # type: ignore[attr-defined]
    else:
        user = get_user_model().objects.get(username=username)
        page.fill("input[name=code]", device_code(user))  # type: ignore[attr-defined]
        page.locator("form:has(input[name=code]) button[type=submit]").click()  # type: ignore[attr-defined]
    page.wait_for_url(f"**{next_path}")  # type: ignore[attr-defined]
