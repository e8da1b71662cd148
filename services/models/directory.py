"""The service directory in the names of Open Referral's HSDS 3.0.

Every table an HSDS file holds has its model here, with HSDS's field names and UUID
ids, so that import and export are a mapping. An organisation of the portal
(accounts.Organisation, with its `hsds_id`) is the HSDS organization that provides a
service. Texts people read are translated fields (services/translation.py).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import TimeStampedModel


class Taxonomy(TimeStampedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    uri = models.URLField(_("address of the taxonomy"), blank=True)
    version = models.CharField(_("version"), max_length=50, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(TimeStampedModel):
    """A need ("health care", "a postal address"), possibly under a broader one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    taxonomy = models.ForeignKey(
        Taxonomy, on_delete=models.CASCADE, related_name="terms", verbose_name=_("taxonomy")
    )
    code = models.SlugField(_("code"), max_length=100)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    term_uri = models.URLField(_("address of the term"), blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("broader term"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        constraints = [
            models.UniqueConstraint(fields=["taxonomy", "code"], name="taxonomy_term_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Service(TimeStampedModel):
    # The portal's HSDS profile: what a newcomer most needs to know before going.
    PROFILE_FIELDS = (
        "no_documents_required",
        "anonymous_ok",
        "free",
        "interpretation_available",
        "appointment_needed",
        "walk_in",
    )
    # Those the directory search filters on.
    SEARCH_FLAGS = ("free", "no_documents_required", "anonymous_ok", "walk_in")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        INACTIVE = "inactive", _("inactive")
        DEFUNCT = "defunct", _("closed for good")
        TEMPORARILY_CLOSED = "temporarily closed", _("temporarily closed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    alternate_name = models.CharField(_("other name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    email = models.EmailField(_("public email address"), blank=True)
    url = models.URLField(_("website"), blank=True)
    application_process = models.TextField(_("how to get the service"), blank=True)
    fees_description = models.TextField(_("fees"), blank=True)
    eligibility_description = models.TextField(_("who can use it"), blank=True)
    interpretation_services = models.TextField(_("interpretation"), blank=True)
    wait_time = models.CharField(_("waiting time"), max_length=200, blank=True)
    accreditations = models.TextField(_("accreditations"), blank=True)
    licenses = models.TextField(_("licences"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    alert = models.TextField(_("alert"), blank=True)
    needs = models.ManyToManyField(
        TaxonomyTerm, blank=True, related_name="services", verbose_name=_("needs")
    )
    last_assured_date = models.DateField(_("information last checked on"), null=True, blank=True)
    # The portal's HSDS profile: what a newcomer most needs to know before going.
    no_documents_required = models.BooleanField(_("no documents asked"), default=False)
    anonymous_ok = models.BooleanField(_("can be used without giving your name"), default=False)
    free = models.BooleanField(_("free"), default=False)
    interpretation_available = models.BooleanField(_("interpreting available"), default=False)
    appointment_needed = models.BooleanField(_("appointment needed"), default=False)
    walk_in = models.BooleanField(_("walk in without an appointment"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        indexes = [models.Index(fields=["status", "organisation"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True)
                | models.Q(maximum_age__isnull=True)
                | models.Q(minimum_age__lte=models.F("maximum_age")),
                name="service_age_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Location(TimeStampedModel):
    class LocationType(models.TextChoices):
        PHYSICAL = "physical", _("a place you can go to")
        POSTAL = "postal", _("a postal address")
        VIRTUAL = "virtual", _("online or by phone")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location_type = models.CharField(
        _("kind of place"), max_length=10, choices=LocationType.choices
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="locations",
        verbose_name=_("organisation"),
    )
    url = models.URLField(_("website"), blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    alternate_name = models.CharField(_("other name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    transportation = models.TextField(_("how to get there"), blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    external_identifier = models.CharField(_("external identifier"), max_length=200, blank=True)
    external_identifier_type = models.CharField(
        _("kind of external identifier"), max_length=100, blank=True
    )
    # A shelter or a refuge: published without address or coordinates.
    is_confidential = models.BooleanField(_("confidential address"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(
                    latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180
                ),
                name="location_coordinates_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name or str(self.pk)


class Address(models.Model):
    class AddressType(models.TextChoices):
        PHYSICAL = "physical", _("street address")
        POSTAL = "postal", _("postal address")
        VIRTUAL = "virtual", _("virtual address")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(_("for the attention of"), max_length=200, blank=True)
    address_1 = models.CharField(_("address"), max_length=200)
    address_2 = models.CharField(_("address (continued)"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("region"), max_length=100, blank=True)
    state_province = models.CharField(_("state or province"), max_length=100)
    postal_code = models.CharField(_("postcode"), max_length=20)
    country = models.CharField(_("country"), max_length=2)
    address_type = models.CharField(
        _("kind of address"), max_length=10, choices=AddressType.choices
    )

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self) -> str:
        return f"{self.address_1}, {self.postal_code} {self.city}"


class Accessibility(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    description = models.TextField(_("accessibility"), blank=True)
    details = models.TextField(_("details"), blank=True)
    url = models.URLField(_("more about accessibility"), blank=True)

    class Meta:
        verbose_name = _("accessibility")
        verbose_name_plural = _("accessibility")

    def __str__(self) -> str:
        return self.description[:50]


class ServiceAtLocation(TimeStampedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("service at a location")
        verbose_name_plural = _("services at locations")
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="service_at_location_once")
        ]

    def __str__(self) -> str:
        return f"{self.service} @ {self.location}"


class Phone(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="phones",
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    number = models.CharField(_("phone number"), max_length=50)
    extension = models.CharField(_("extension"), max_length=20, blank=True)
    type = models.CharField(_("kind of phone"), max_length=20, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")

    def __str__(self) -> str:
        return self.number


class Contact(models.Model):
    """A public contact point of a service (a desk or a role), as HSDS has it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    department = models.CharField(_("department"), max_length=200, blank=True)
    email = models.EmailField(_("email address"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name or self.title or str(self.pk)


class Schedule(models.Model):
    """Opening hours in HSDS's RRULE-like fields. The portal reads weekly rules
    (freq WEEKLY, byday, opens_at/closes_at, valid_from/valid_to); a rule whose
    closes_at is earlier than its opens_at runs past midnight."""

    class Frequency(models.TextChoices):
        WEEKLY = "WEEKLY", _("every week")
        MONTHLY = "MONTHLY", _("every month")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    dtstart = models.DateField(_("first day"), null=True, blank=True)
    timezone = models.SmallIntegerField(_("UTC offset"), null=True, blank=True)
    until = models.DateField(_("last day"), null=True, blank=True)
    count = models.PositiveIntegerField(_("number of times"), null=True, blank=True)
    wkst = models.CharField(_("week starts on"), max_length=2, blank=True)
    freq = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, blank=True)
    interval = models.PositiveSmallIntegerField(_("interval"), null=True, blank=True)
    byday = models.CharField(_("days"), max_length=50, blank=True)
    byweekno = models.CharField(_("weeks of the year"), max_length=100, blank=True)
    bymonthday = models.CharField(_("days of the month"), max_length=100, blank=True)
    byyearday = models.CharField(_("days of the year"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    schedule_link = models.URLField(_("link to the timetable"), blank=True)
    attending_type = models.CharField(_("how to attend"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        indexes = [models.Index(fields=["service", "freq"])]

    def __str__(self) -> str:
        return f"{self.byday} {self.opens_at}-{self.closes_at}"


class Closure(models.Model):
    """A holiday or an exceptional closure: the service is closed on these days whatever
    its weekly hours say. Exported as an HSDS schedule tagged with the profile term."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="closures")
    starts_on = models.DateField(_("closed from"))
    ends_on = models.DateField(_("closed until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        indexes = [models.Index(fields=["service", "starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("ends_on")), name="closure_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_on} - {self.ends_on}"


class Language(models.Model):
    """A language spoken at a service, a location or on a phone line (ISO 639 code)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    phone = models.ForeignKey(
        Phone, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    name = models.CharField(_("language"), max_length=100, blank=True)
    code = models.CharField(_("ISO 639 code"), max_length=10, blank=True, db_index=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("language spoken")
        verbose_name_plural = _("languages spoken")

    def __str__(self) -> str:
        return self.code or self.name


class RequiredDocument(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="required_documents"
    )
    document = models.TextField(_("document asked"))
    uri = models.URLField(_("link"), blank=True)

    class Meta:
        verbose_name = _("document asked")
        verbose_name_plural = _("documents asked")

    def __str__(self) -> str:
        return self.document[:50]


class CostOption(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    option = models.TextField(_("what it is for"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    amount_description = models.TextField(_("about the amount"), blank=True)

    class Meta:
        verbose_name = _("cost")
        verbose_name_plural = _("costs")

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class Attribute(models.Model):
    """HSDS's link of any record to a taxonomy term (kept for what an import brings that
    the portal has no own field for; needs and the profile are fields of Service)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    link_id = models.UUIDField(db_index=True)
    link_type = models.CharField(max_length=100, blank=True)
    link_entity = models.CharField(max_length=50)
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.CASCADE, related_name="attributes"
    )
    value = models.TextField(blank=True)

    class Meta:
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")

    def __str__(self) -> str:
        return f"{self.link_entity}:{self.link_id} {self.taxonomy_term_id}"


class ServiceSearchDocument(models.Model):
    """The words of a service in one language, as a stored tsvector with a GIN index per
    language, so a text search over a large directory reads the index of the reader's
    language instead of every row (with one index for all languages, a word common to
    several, "santé" in the Arabic and French documents, had PostgreSQL read and throw
    away the other languages' matches: 190 ms at 100,000 services)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="search_documents")
    language = models.CharField(max_length=10)
    document = SearchVectorField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "language"], name="service_search_once")
        ]
        indexes = [
            GinIndex(
                fields=["document"],
                name=f"service_search_{code.replace('-', '_')}",
                condition=models.Q(language=code),
            )
            for code, _name in settings.LANGUAGES
        ]

    def __str__(self) -> str:
        return f"{self.service_id} [{self.language}]"


class Int4MultiRangeField(models.Field):
    """PostgreSQL's int4multirange, written and read only in SQL (services/search.py)."""

    def db_type(self, connection: object) -> str:
        return "int4multirange"


class ServiceFacts(models.Model):
    """Everything the directory filters on, in one narrow row per service, rebuilt from
    the service's own tables by services.search.reindex (set-based SQL).

    Needs include their broader terms; languages those of the service and of its
    locations; coordinates only those of published (not confidential) locations; the week
    is two sets of minutes (0 = Monday 00:00): the parts of opening periods on the day
    they start, and the after-midnight tails of overnight ones — so a holiday closure
    can cancel exactly the periods that start on that day.
    """

    service = models.OneToOneField(
        Service, on_delete=models.CASCADE, primary_key=True, related_name="facts"
    )
    status = models.CharField(max_length=20)
    organisation_id = models.BigIntegerField()
    updated_at = models.DateTimeField()
    free = models.BooleanField()
    no_documents_required = models.BooleanField()
    anonymous_ok = models.BooleanField()
    walk_in = models.BooleanField()
    minimum_age = models.PositiveSmallIntegerField(null=True)
    maximum_age = models.PositiveSmallIntegerField(null=True)
    need_ids = ArrayField(models.UUIDField(), default=list)
    languages = ArrayField(models.CharField(max_length=10), default=list)
    latitudes = ArrayField(models.FloatField(), default=list)
    longitudes = ArrayField(models.FloatField(), default=list)
    week_main = Int4MultiRangeField(null=True)
    week_tail = Int4MultiRangeField(null=True)

    class Meta:
        indexes = [
            GinIndex(fields=["need_ids"], name="service_facts_needs"),
            GinIndex(fields=["languages"], name="service_facts_languages"),
            models.Index(fields=["status"], name="service_facts_status"),
        ]

    def __str__(self) -> str:
        return str(self.service_id)


class SearchIndexVersion(models.Model):
    """One row: the stamp of the directory's current state, for the index each process
    keeps in memory (services/search_index.py). Triggers on services_servicefacts and
    services_closure (migration 0006) give it a new random value at every change, in
    the changing transaction, so no other state ever carries the same stamp."""

    value = models.UUIDField()

    def __str__(self) -> str:
        return str(self.value)


class OutdatedReport(models.Model):
    """'This information is wrong': what is wrong and when, nothing about who said it."""

    class Problem(models.TextChoices):
        HOURS = "hours", _("the opening hours")
        ADDRESS = "address", _("the address")
        PHONE = "phone", _("the phone number")
        CLOSED = "closed", _("the service has closed")
        DOCUMENTS = "documents", _("the documents asked")
        LANGUAGES = "languages", _("the languages spoken")
        OTHER = "other", _("something else")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="outdated_reports")
    problem = models.CharField(_("what is wrong"), max_length=12, choices=Problem.choices)
    reported_on = models.DateField(_("reported on"), auto_now_add=True)
    is_resolved = models.BooleanField(_("dealt with"), default=False)

    class Meta:
        ordering = ["-reported_on", "-pk"]
        verbose_name = _("report of outdated information")
        verbose_name_plural = _("reports of outdated information")

    def __str__(self) -> str:
        return f"{self.service_id}: {self.problem}"
