"""The roles of DESIGN.md, as Django groups with their permissions.

Global roles are groups. Organisation roles (caseworker, organisation admin) are also
given by a Membership; the group carries the model permissions, and selectors restrict
every read to the member's own organisation.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    ORGANISATION_ADMIN = "organisation_admin", _("Organisation admin")
    CONTENT_EDITOR = "content_editor", _("Content editor")
    TRANSLATOR = "translator", _("Translator")
    COUNCIL_MEMBER = "council_member", _("Council member")
    PB_OFFICER = "pb_officer", _("Participatory budget officer")
    CITY_ADMIN = "city_admin", _("City admin")
    DISCRIMINATION_OFFICER = "discrimination_officer", _("Non-discrimination officer")


# "app_label.codename" of each role. Apps add theirs here when they add models and
# call `sync_role_permissions` from a data migration; unknown codenames are skipped so
# the list can name models of apps that do not exist yet.
GUIDE_EDITING = [
    f"rights_guide.{verb}_{model}"
    for verb in ("view", "add", "change", "delete")
    for model in ("article", "topic", "situation")
]

PB_RUNNING = [
    f"participation.{verb}_{model}"
    for verb in ("view", "add", "change")
    for model in ("process", "district", "proposal")
]

# Organisation admins keep their services up to date (their own only: the admin's
# querysets are scoped to their organisations).
SERVICE_EDITING = [
    *(
        f"services.{verb}_{model}"
        for verb in ("view", "add", "change")
        for model in ("service", "location")
    ),
    *(
        f"services.{verb}_{model}"
        for verb in ("view", "add", "change", "delete")
        for model in (
            "serviceatlocation",
            "schedule",
            "closure",
            "language",
            "phone",
            "requireddocument",
            "address",
            "accessibility",
        )
    ),
]

# Council members (the secretary, the chair) run the council's meetings in the admin;
# status changes of recommendations go through their page (participation.actions).
COUNCIL_RUNNING = [
    *(
        f"participation.{verb}_{model}"
        for verb in ("view", "add", "change", "delete")
        for model in ("meeting", "agendaitem", "meetingdocument", "attendance", "councilmember")
    ),
    *(
        f"participation.{verb}_{model}"
        for verb in ("view", "add", "change")
        for model in ("recommendation",)
    ),
    "participation.view_council",
    "participation.change_council",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.CASEWORKER: [],
    Role.ORGANISATION_ADMIN: [
        *SERVICE_EDITING,
        "services.override_referral_consent",
        "accounts.view_membership",
        "accounts.add_membership",
        "accounts.delete_membership",
        "accounts.view_organisation",
        "accounts.change_organisation",
    ],
    Role.CONTENT_EDITOR: [
        "portal.view_homenotice",
        "portal.add_homenotice",
        "portal.change_homenotice",
        "portal.delete_homenotice",
        *GUIDE_EDITING,
    ],
    Role.TRANSLATOR: [
        "portal.view_homenotice",
        "portal.change_homenotice",
        "rights_guide.view_article",
        "rights_guide.change_article",
        "rights_guide.view_topic",
        "rights_guide.change_topic",
        "rights_guide.view_situation",
        "rights_guide.change_situation",
    ],
    Role.COUNCIL_MEMBER: COUNCIL_RUNNING,
    Role.PB_OFFICER: [*PB_RUNNING, "participation.view_eligibilitycodebatch"],
    # Reports are reached through the office's own screens, never the admin; city
    # admins do not hold this role implicitly (see discrimination.selectors).
    Role.DISCRIMINATION_OFFICER: [],
    Role.CITY_ADMIN: [
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_organisation",
        "accounts.add_organisation",
        "accounts.change_organisation",
        "accounts.view_membership",
        "accounts.add_membership",
        "accounts.change_membership",
        "accounts.delete_membership",
        "audit.view_auditentry",
        "i18n.view_languageassignment",
        "i18n.add_languageassignment",
        "i18n.change_languageassignment",
        "i18n.delete_languageassignment",
        "i18n.view_coveragereport",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "notifications.view_notification",
        "portal.view_homenotice",
        "portal.add_homenotice",
        "portal.change_homenotice",
        "portal.delete_homenotice",
        *GUIDE_EDITING,
        *PB_RUNNING,
        *COUNCIL_RUNNING,
        "participation.add_council",
        *SERVICE_EDITING,
        "services.view_taxonomy",
        "services.add_taxonomy",
        "services.change_taxonomy",
        "services.view_taxonomyterm",
        "services.add_taxonomyterm",
        "services.change_taxonomyterm",
    ],
}

ORGANISATION_ROLES = (Role.CASEWORKER, Role.ORGANISATION_ADMIN)


def sync_role_permissions(apps, schema_editor=None) -> None:  # type: ignore[no-untyped-def]
    """Create every role group and give it exactly its permissions (idempotent).

    Usable from a data migration (pass the historical `apps`) or at run time.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    permissions = {
        f"{permission.content_type.app_label}.{permission.codename}": permission
        for permission in permission_model.objects.select_related("content_type")
    }
    for role, names in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=str(role.value))
        group.permissions.set([permissions[name] for name in names if name in permissions])
