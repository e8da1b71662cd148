"""Demo data for `manage.py seed_demo`: a made-up city, no real person's data."""

from __future__ import annotations

from django.apps import apps as django_apps
from django.db import transaction

from portal.accounts import actions as account_actions
from portal.accounts.models import Membership, Organisation, User
from portal.accounts.roles import Role, sync_role_permissions
from portal.demo_accounts import DEMO_ACCOUNTS, PASSWORD_SUFFIX, demo_totp_key
from portal.i18n.languages import set_translations
from portal.models import HomeNotice

ORGANISATIONS = [
    {"slug": "welcome-desk", "name": "Accueil des habitants — Ville", "is_accredited": True},
    {
        "slug": "solidarity-association",
        "name": "Association Solidarité Sans Frontières",
        "is_accredited": True,
    },
    {"slug": "health-centre", "name": "Centre de santé municipal", "is_accredited": False},
]

# Translated in four languages only, so that Persian, Ukrainian, Tigrinya and Pashto
# readers see the fallback notice on a real page.
NOTICES = [
    {
        "slug": "winter-shelter",
        "position": 1,
        "title": {
            "fr": "Plan grand froid : des places d'hébergement supplémentaires",
            "en": "Cold weather plan: extra shelter places",
            "es": "Plan de frío extremo: plazas de alojamiento adicionales",
            "ar": "خطة البرد الشديد: أماكن إيواء إضافية",
        },
        "body": {
            "fr": "Du 1er décembre au 31 mars, appelez le 115 pour un hébergement d'urgence. "
            "Aucun papier n'est demandé.",
            "en": "From 1 December to 31 March, call 115 for emergency shelter. "
            "No papers are asked for.",
            "es": "Del 1 de diciembre al 31 de marzo, llame al 115 para un alojamiento de "
            "urgencia. No se piden papeles.",
            "ar": "من 1 ديسمبر إلى 31 مارس، اتصل بالرقم 115 للحصول على مأوى طارئ. "
            "لا تُطلب أي أوراق.",
        },
    },
    {
        "slug": "council-elections",
        "position": 2,
        "title": {
            "fr": "Conseil des résidents étrangers : appel à candidatures",
            "en": "Council of foreign residents: call for candidates",
            "es": "Consejo de residentes extranjeros: convocatoria de candidaturas",
            "ar": "مجلس المقيمين الأجانب: دعوة للترشح",
        },
        "body": {
            "fr": "Vous habitez la ville sans avoir le droit de vote ? Présentez-vous au "
            "conseil avant le 15 janvier.",
            "en": "Do you live in the city without the right to vote? Stand for the "
            "council before 15 January.",
            "es": "¿Vive en la ciudad sin derecho a voto? Preséntese al consejo antes del "
            "15 de enero.",
            "ar": "هل تعيش في المدينة دون حق التصويت؟ ترشّح للمجلس قبل 15 يناير.",
        },
    },
]


@transaction.atomic
def _demo_second_factor(user: User) -> None:
    """The demo accounts share the published demo authenticator secret."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(
            user=user, name="demo authenticator", confirmed=True, key=demo_totp_key().hex()
        )


def _demo_language_assignments() -> None:
    """The translator proposes Arabic; the editor reviews every language."""
    from portal.i18n.models import LanguageAssignment
    from portal.i18n.registry import languages

    for username, codes, can_review in (
        ("translator", ["ar"], False),
        ("editor", languages(), True),
    ):
        user = User.objects.get(username=username)
        for language in codes:
            LanguageAssignment.objects.get_or_create(
                user=user, language=language, defaults={"can_review": can_review}
            )


def seed_demo() -> dict[str, int]:
    """Create the demo data; running it again changes nothing. Returns what it added."""
    added = {"organisations": 0, "users": 0, "notices": 0}
    # The role groups come from migrations; make sure they are whole (a test database
    # that was flushed, or a group deleted by hand, would otherwise break the seed).
    sync_role_permissions(django_apps)
    organisations = {}
    for data in ORGANISATIONS:
        organisation = Organisation.objects.filter(slug=data["slug"]).first()
        if organisation is None:
            organisation = account_actions.organisation_create(**data)
            added["organisations"] += 1
        organisations[data["slug"]] = organisation

    for account in DEMO_ACCOUNTS:
        existing = User.objects.filter(username=account.username).first()
        if existing is not None:
            _demo_second_factor(existing)
            continue
        roles = [Role(role) for role in account.roles]
        user = account_actions.user_create(
            username=account.username,
            password=account.username + PASSWORD_SUFFIX,
            preferred_language=account.language,
            roles=roles,
            is_staff=True,
            is_superuser=Role.CITY_ADMIN in roles,
            notify=False,
        )
        added["users"] += 1
        _demo_second_factor(user)
        if account.membership is not None:
            slug, role = account.membership
            if not Membership.objects.filter(user=user, organisation=organisations[slug]).exists():
                account_actions.membership_create(
                    user=user, organisation=organisations[slug], role=role
                )

    _demo_language_assignments()
    for data in NOTICES:
        if HomeNotice.objects.filter(slug=data["slug"]).exists():
            continue
        notice = HomeNotice(slug=data["slug"], position=data["position"], is_published=True)
        set_translations(notice, "title", data["title"])
        set_translations(notice, "body", data["body"])
        notice.full_clean()
        notice.save()
        added["notices"] += 1
    return added
