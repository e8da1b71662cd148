import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts.roles import Role
from portal.models import TimeStampedModel


class User(AbstractUser):
    """A staff member or a resident with an optional account.

    There is no field for nationality, legal status or identity documents, and there
    never will be: the portal serves people whatever their papers.
    """

    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Messages to this person are written in this language."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"


class Organisation(TimeStampedModel):
    """A city department, association or clinic whose staff use the portal."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("identifier"), unique=True)
    is_accredited = models.BooleanField(
        _("accredited to issue residence attestations"), default=False
    )
    # The organisation as the service directory publishes it (HSDS 3.0 organization).
    hsds_id = models.UUIDField(
        _("HSDS identifier"), default=uuid.uuid4, unique=True, editable=False
    )
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("public email address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    class OrganisationRole(models.TextChoices):
        CASEWORKER = Role.CASEWORKER.value, Role.CASEWORKER.label
        ADMIN = Role.ORGANISATION_ADMIN.value, Role.ORGANISATION_ADMIN.label

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=OrganisationRole.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_one_per_organisation"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["caseworker", "organisation_admin"]),
                name="membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"


class ApiToken(TimeStampedModel):
    """A key an organisation's own system uses to call the API as one of its accounts.

    Only a SHA-256 digest of the key is stored; the key is shown once, when it is made.
    The token acts with exactly the permissions of its user, so an organisation's system
    sees what that organisation's caseworkers see and nothing more.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("account"),
    )
    name = models.CharField(_("what uses it"), max_length=100)
    prefix = models.CharField(_("first characters"), max_length=8)
    key_digest = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"
