"""The demo accounts, as data: `seed_demo` creates them and `make run` prints them.

Importable without Django being set up (no models here).
"""

from __future__ import annotations

from typing import NamedTuple

PASSWORD_SUFFIX = "-demo-2026"  # noqa: S105 - demo accounts, printed by `make run`


class DemoAccount(NamedTuple):
    username: str
    description: str
    roles: tuple[str, ...]  # global roles (group names)
    language: str
    membership: tuple[str, str] | None  # (organisation slug, organisation role)


DEMO_ACCOUNTS = (
    DemoAccount("admin", "city admin", ("city_admin",), "fr", None),
    DemoAccount("editor", "content editor", ("content_editor",), "fr", None),
    DemoAccount("translator", "translator (Arabic)", ("translator",), "ar", None),
    DemoAccount(
        "caseworker", "caseworker at the welcome desk", (), "fr", ("welcome-desk", "caseworker")
    ),
    DemoAccount(
        "clinic", "caseworker at the health centre", (), "ar", ("health-centre", "caseworker")
    ),
    DemoAccount(
        "orgadmin",
        "admin of an association",
        (),
        "es",
        ("solidarity-association", "organisation_admin"),
    ),
    DemoAccount(
        "officer", "council member and PB officer", ("council_member", "pb_officer"), "fr", None
    ),
    # Also a caseworker of the directory's "Maison des droits et de l'égalité" (added by
    # discrimination.demo, since that organisation comes with the directory).
    DemoAccount("equality", "non-discrimination officer", ("discrimination_officer",), "fr", None),
)


# The demo accounts' authenticator secret, published so anyone trying the demo can sign
# in: add it to an authenticator app, or run `make demo-code` for the current code.
# Only `seed_demo` uses it; real accounts set up their own secret at first sign-in.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - published demo secret


def demo_totp_key() -> bytes:
    from base64 import b32decode

    return b32decode(DEMO_TOTP_SECRET)


def demo_code() -> str:
    """The code an authenticator app with the demo secret shows now."""
    from django_otp.oath import totp

    return f"{totp(demo_totp_key(), step=30, t0=0, digits=6):06d}"


if __name__ == "__main__":
    print(demo_code())
