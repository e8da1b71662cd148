"""A synthetic directory at city scale, for benchmarks and `seed_demo --scale N`.

`generate()` writes organisations, services (French and English names and descriptions,
needs, the portal's profile booleans, languages spoken, phones), locations with
addresses and coordinates spread over the city, services at locations, weekly opening
hours (some past midnight, some at weekends) and a few closures — with PostgreSQL's
COPY, about a million rows in a couple of minutes — then builds the search documents
and the spelling vocabulary. Everything it makes hangs from organisations whose slug
starts with "scale-", which is how `remove()` finds it again.

The data is made up: place names are the city's neighbourhoods, people's names never
appear, and the same seed gives the same directory (ids aside).
"""

from __future__ import annotations

import datetime
import io
import random
import time
import uuid
from collections.abc import Callable, Sequence

from django.db import connection, models, transaction
from django.db.models.deletion import get_candidate_relations_to_delete
from django.utils import timezone

from portal.accounts.models import Organisation
from services import search
from services.models import (
    Address,
    Closure,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceSearchDocument,
    TaxonomyTerm,
)

SLUG_PREFIX = "scale-"
CITY = "Grenoble"
LATITUDES = (45.10, 45.25)
LONGITUDES = (5.65, 5.80)
CENTRE = (45.188, 5.724)
BATCH = 20_000

Progress = Callable[[str], None]

NEIGHBOURHOODS = [
    "Centre-ville", "Gare", "Berriat", "Saint-Bruno", "Mistral", "Villeneuve", "Teisseire",
    "Île Verte", "Championnet", "Capuche", "Abbaye", "Jouhaux", "Europole", "Bajatière",
    "Malherbe", "Vigny-Musset", "Village Olympique", "Eaux-Claires", "Saint-Laurent", "Hoche",
    "Notre-Dame", "Alliés", "Alpins", "Exposition", "Bouchayer-Viallet", "Presqu'île",
    "Arlequin", "Beauvert", "Reyniès", "Esplanade",
]  # fmt: skip

STREETS = [
    "rue Jean Jaurès", "avenue Alsace-Lorraine", "rue de la République", "cours Berriat",
    "rue Saint-Laurent", "avenue Jean Perrot", "rue Stalingrad", "place Grenette",
    "boulevard Gambetta", "rue Thiers", "avenue Marcelin Berthelot", "rue des Alliés",
    "rue Lesdiguières", "quai Perrière", "rue Mallifaud", "avenue de Valmy",
    "rue Anatole France", "place Saint-Bruno", "rue Nicolas Chorier", "galerie de l'Arlequin",
]  # fmt: skip

ORGANISATION_KINDS = [
    "Association", "Collectif", "Maison des habitants", "Centre médico-social",
    "Centre communal d'action sociale", "Fondation", "Centre de santé", "Antenne",
    "Maison des associations", "Accueil",
]  # fmt: skip

ORGANISATION_WORDS = [
    "Entraide", "Solidarité", "Horizons", "Passerelle", "Trait d'union", "Pas à pas",
    "Main tendue", "Les Voisins", "Accueil pour tous", "Le Relais", "Terre d'accueil",
    "La Boussole", "Le Pont", "Ensemble", "L'Escale",
]  # fmt: skip

# need code, weight, names (fr, en), descriptions (fr, en), usual opening patterns.
CATEGORIES: list[tuple[str, int, list[tuple[str, str]], list[tuple[str, str]], list[str]]] = [
    (
        "health",
        20,
        [
            ("Consultation médicale sans rendez-vous", "Walk-in medical consultation"),
            ("Centre de santé", "Health centre"),
            ("Clinique solidaire", "Community clinic"),
            ("Médecin généraliste", "General practitioner"),
            ("Permanence d'accès aux soins de santé", "Access to health care desk"),
            ("Soins dentaires", "Dental care"),
            ("Santé mentale et écoute", "Mental health and listening"),
            ("Vaccination gratuite", "Free vaccination"),
            ("Santé des femmes et maternité", "Women's health and maternity"),
            ("Infirmerie de rue", "Street nursing"),
        ],
        [
            (
                "Un médecin reçoit toute personne, avec ou sans couverture maladie.",
                "A doctor sees anyone, with or without health cover.",
            ),
            (
                "Soins infirmiers, dépistage et orientation vers l'hôpital.",
                "Nursing care, screening and referral to the hospital.",
            ),
            (
                "Consultations de santé, vaccination et conseils de prévention.",
                "Health consultations, vaccination and prevention advice.",
            ),
        ],
        ["office", "office", "long_day", "mornings", "with_saturday"],
    ),
    (
        "language_classes",
        15,
        [
            ("Cours de français", "French classes"),
            ("Atelier de conversation en français", "French conversation workshop"),
            ("Français langue étrangère", "French as a foreign language"),
            ("Alphabétisation", "Literacy classes"),
            ("Cours de français à visée professionnelle", "French for work"),
            ("Apprendre le français en famille", "Learning French as a family"),
        ],
        [
            (
                "Cours de français gratuits, tous niveaux, en petits groupes.",
                "Free French classes, all levels, in small groups.",
            ),
            (
                "Des bénévoles vous aident à parler, lire et écrire le français.",
                "Volunteers help you speak, read and write French.",
            ),
        ],
        ["evenings", "evenings_late", "afternoons", "weekend", "mornings"],
    ),
    (
        "housing",
        12,
        [
            ("Hébergement d'urgence", "Emergency shelter"),
            ("Accueil de nuit", "Night shelter"),
            ("Accueil de jour", "Day centre"),
            ("Aide au logement", "Help finding housing"),
            ("Halte de nuit pour femmes", "Night shelter for women"),
            ("Bains-douches et laverie", "Showers and laundry"),
        ],
        [
            (
                "Un lit, une douche et un repas chaud pour la nuit.",
                "A bed, a shower and a hot meal for the night.",
            ),
            (
                "Aide pour trouver un logement et demander un hébergement.",
                "Help to find housing and apply for shelter.",
            ),
        ],
        ["overnight", "overnight", "every_morning", "office", "weekend_nights"],
    ),
    (
        "domiciliation",
        6,
        [
            ("Domiciliation", "Postal address"),
            ("Adresse postale pour personnes sans domicile", "Postal address for homeless people"),
            ("Retrait du courrier", "Mail collection"),
        ],
        [
            (
                "Une adresse pour recevoir votre courrier et faire vos démarches.",
                "An address to receive your mail and do your paperwork.",
            )
        ],
        ["mornings", "office"],
    ),
    (
        "legal_help",
        10,
        [
            ("Permanence juridique", "Legal advice desk"),
            ("Accès au droit", "Access to rights"),
            ("Aide aux demandeurs d'asile", "Help for asylum seekers"),
            ("Conseil en droit des étrangers", "Immigration law advice"),
            ("Aide pour le titre de séjour", "Help with residence permits"),
        ],
        [
            (
                "Des juristes répondent à vos questions sur vos droits et vos papiers.",
                "Lawyers answer your questions about your rights and your papers.",
            )
        ],
        ["afternoons", "office", "evenings"],
    ),
    (
        "work",
        8,
        [
            ("Aide à l'emploi", "Help finding work"),
            ("Atelier CV et lettre de motivation", "CV and cover letter workshop"),
            ("Insertion professionnelle", "Back-to-work support"),
            ("Reconnaissance des diplômes", "Recognition of qualifications"),
        ],
        [
            (
                "Un conseiller vous aide à chercher un emploi ou une formation.",
                "An adviser helps you look for a job or training.",
            )
        ],
        ["office", "mornings", "afternoons"],
    ),
    (
        "schooling",
        7,
        [
            ("Inscription scolaire", "School enrolment"),
            ("Aide aux devoirs", "Homework help"),
            ("Soutien scolaire", "School support"),
            ("Accueil des élèves allophones", "Welcome for pupils learning French"),
        ],
        [
            (
                "Aide pour inscrire vos enfants à l'école et les accompagner.",
                "Help to enrol your children at school and support them.",
            )
        ],
        ["afternoons", "office", "with_saturday"],
    ),
    (
        "social_support",
        15,
        [
            ("Accompagnement social", "Social support"),
            ("Écoute et orientation", "Listening and guidance"),
            ("Aide alimentaire", "Food aid"),
            ("Épicerie solidaire", "Community grocery"),
            ("Vestiaire solidaire", "Free clothes"),
            ("Accès aux droits sociaux", "Help with benefits"),
        ],
        [
            (
                "Un travailleur social vous écoute et vous aide dans vos démarches.",
                "A social worker listens and helps with your paperwork.",
            ),
            ("Colis alimentaires et repas chauds.", "Food parcels and hot meals."),
        ],
        ["office", "every_morning", "with_saturday", "weekend", "afternoons"],
    ),
    (
        "participation",
        3,
        [
            ("Conseil de quartier", "Neighbourhood council"),
            ("Bénévolat et associations", "Volunteering and associations"),
            ("Maison des habitants", "Community house"),
        ],
        [
            (
                "Rencontrer vos voisins et prendre part à la vie de la ville.",
                "Meet your neighbours and take part in city life.",
            )
        ],
        ["evenings", "with_saturday"],
    ),
    (
        "discrimination",
        2,
        [
            ("Lutte contre les discriminations", "Fighting discrimination"),
            ("Écoute des victimes de racisme", "Support for victims of racism"),
        ],
        [
            (
                "Une écoute et une aide pour faire valoir vos droits.",
                "Someone to listen and help you stand up for your rights.",
            )
        ],
        ["afternoons", "office"],
    ),
    (
        "registration",
        2,
        [
            ("Attestation de résidence", "Proof of residence"),
            ("Inscription comme habitant", "Registration as a resident"),
        ],
        [
            (
                "Une attestation qui prouve que vous habitez la ville.",
                "A certificate proving that you live in the city.",
            )
        ],
        ["office", "mornings"],
    ),
]

AUDIENCES = [
    ("", "", 10),
    ("pour adultes", "for adults", 3),
    ("pour les familles", "for families", 2),
    ("pour les femmes", "for women", 2),
    ("pour les jeunes", "for young people", 2),
    ("pour les mineurs non accompagnés", "for unaccompanied minors", 1),
]

WEEKDAYS = "MO,TU,WE,TH,FR"
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"
# byday, opens, closes; closes before opens = past midnight.
PATTERNS: dict[str, list[tuple[str, str, str]]] = {
    "office": [(WEEKDAYS, "09:00", "12:00"), (WEEKDAYS, "14:00", "17:00")],
    "long_day": [(WEEKDAYS, "08:30", "18:00")],
    "mornings": [("MO,WE,FR", "09:00", "12:30")],
    "afternoons": [("TU,TH", "13:30", "17:30")],
    "evenings": [("MO,WE", "18:00", "20:00")],
    "evenings_late": [("TU,TH", "18:30", "21:00"), ("SA", "10:00", "12:00")],
    "with_saturday": [
        (WEEKDAYS, "09:00", "12:00"),
        ("TU,TH", "14:00", "18:00"),
        ("SA", "09:00", "12:00"),
    ],
    "weekend": [("SA,SU", "10:00", "16:00")],
    "every_morning": [(EVERY_DAY, "08:00", "13:00")],
    "overnight": [(EVERY_DAY, "19:00", "08:00")],
    "weekend_nights": [("FR,SA", "22:00", "02:00"), ("SU", "18:00", "23:00")],
}

# ISO 639 code, English name, share of services where it is spoken (the codes the search
# form offers, services.forms.SPOKEN_LANGUAGES).
LANGUAGES = [
    ("fr", "French", 0.97),
    ("en", "English", 0.45),
    ("ar", "Arabic", 0.25),
    ("es", "Spanish", 0.12),
    ("ru", "Russian", 0.08),
    ("uk", "Ukrainian", 0.08),
    ("fa", "Persian", 0.06),
    ("prs", "Dari", 0.05),
    ("ps", "Pashto", 0.04),
    ("ti", "Tigrinya", 0.04),
    ("so", "Somali", 0.03),
    ("tr", "Turkish", 0.04),
    ("pt", "Portuguese", 0.04),
    ("it", "Italian", 0.04),
    ("ro", "Romanian", 0.03),
    ("wo", "Wolof", 0.02),
    ("de", "German", 0.03),
    ("bn", "Bengali", 0.02),
    ("ur", "Urdu", 0.02),
]

CLOSURE_REASONS = [
    ("Fermeture estivale", "Summer closure"),
    ("Jour férié", "Public holiday"),
    ("Travaux", "Building work"),
    ("Formation de l'équipe", "Staff training"),
]


# --- Writing with COPY -----------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: object) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    return str(value)


class _Table:
    """Rows of one model written with COPY. Columns a row does not give take the model
    field's default (callable defaults are called per row, as Django would)."""

    def __init__(self, model: type[models.Model], *, now: datetime.datetime) -> None:
        self.table = model._meta.db_table
        fields = [
            field
            for field in model._meta.local_concrete_fields
            if not isinstance(field, models.AutoField)
        ]
        self.columns = [field.attname for field in fields]
        self.defaults: dict[str, object] = {}
        self.per_row: dict[str, models.Field] = {}
        for field in fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                self.defaults[field.attname] = now
            elif field.has_default() and callable(field.default):
                self.per_row[field.attname] = field
            else:
                self.defaults[field.attname] = field.get_default()
        self.buffer = io.StringIO()
        self.pending = 0
        self.written = 0

    def add(self, **values: object) -> None:
        for name, field in self.per_row.items():
            if name not in values:
                values[name] = field.get_default()
        defaults = self.defaults
        self.buffer.write(
            "\t".join(
                [_text(values[name] if name in values else defaults[name]) for name in self.columns]
            )
        )
        self.buffer.write("\n")
        self.pending += 1
        if self.pending >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        self.buffer.seek(0)
        columns = ", ".join(connection.ops.quote_name(name) for name in self.columns)
        with connection.cursor() as cursor:
            cursor.copy_expert(
                f"COPY {connection.ops.quote_name(self.table)} ({columns}) FROM STDIN",
                self.buffer,
            )
        self.written += self.pending
        self.pending = 0
        self.buffer = io.StringIO()


# --- Generating ------------------------------------------------------------------------------


def _coordinate(rng: random.Random) -> tuple[float, float]:
    """Denser in the centre, as services are, but everywhere in the city."""
    if rng.random() < 0.6:
        latitude = rng.gauss(CENTRE[0], 0.02)
        longitude = rng.gauss(CENTRE[1], 0.02)
    else:
        latitude = rng.uniform(*LATITUDES)
        longitude = rng.uniform(*LONGITUDES)
    latitude = min(max(latitude, LATITUDES[0]), LATITUDES[1])
    longitude = min(max(longitude, LONGITUDES[0]), LONGITUDES[1])
    return round(latitude, 6), round(longitude, 6)


def _time(text: str) -> datetime.time:
    hours, minutes = text.split(":")
    return datetime.time(int(hours), int(minutes))


def _phone_number(rng: random.Random) -> str:
    return "04 76 " + " ".join(f"{rng.randrange(100):02d}" for _index in range(3))


def _languages(rng: random.Random) -> list[tuple[str, str]]:
    """1 to 4 languages, French nearly always."""
    chosen = [(code, name) for code, name, share in LANGUAGES if rng.random() < share]
    if not chosen:
        chosen = [LANGUAGES[0][:2]]
    rng.shuffle(chosen)
    return chosen[:4]


def _needs() -> dict[str, TaxonomyTerm]:
    from services.demo import _needs as demo_needs

    return demo_needs()


def generate(
    *, services: int, locations: int, seed: int = 2026, progress: Progress | None = None
) -> dict[str, int]:
    """Add `services` services at `locations` locations to the directory; return counts.

    About one organisation per ten services; each service is at one or two of its
    organisation's locations, has one to three weekly opening rules and one to four
    languages spoken. All in one transaction: a failure leaves nothing behind.
    """
    if services < 1 or locations < 1:
        raise ValueError("services and locations must be positive")
    say = progress or (lambda _message: None)
    rng = random.Random(seed)  # noqa: S311 - reproducible made-up data, not a secret
    now = timezone.now()
    today = timezone.localdate()
    run = uuid.uuid4().hex[:8]
    started = time.monotonic()
    counts: dict[str, int] = {}

    with transaction.atomic():
        terms = _needs()
        term_ids = {code: term.pk for code, term in terms.items()}
        any_terms = list(term_ids.values())

        # Organisations.
        organisation_count = max(1, services // 10)
        organisation_table = _Table(Organisation, now=now)
        organisation_places: list[str] = []
        for index in range(organisation_count):
            place = rng.choice(NEIGHBOURHOODS)
            name = (
                f"{rng.choice(ORGANISATION_KINDS)} {rng.choice(ORGANISATION_WORDS)} {place}"
                f" {index + 1}"
            )
            organisation_table.add(
                name=name,
                slug=f"{SLUG_PREFIX}{run}-{index + 1}",
                description=f"Association de quartier ({place}).",
                email=f"contact-{run}-{index + 1}@scale.example.org",
                website=f"https://scale.example.org/{run}/{index + 1}",
            )
            organisation_places.append(place)
        organisation_table.flush()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, slug FROM accounts_organisation WHERE slug LIKE %s",
                [f"{SLUG_PREFIX}{run}-%"],
            )
            by_slug = {slug: pk for pk, slug in cursor.fetchall()}
        organisation_ids: list[object] = [
            by_slug[f"{SLUG_PREFIX}{run}-{index + 1}"] for index in range(organisation_count)
        ]
        counts["organisations"] = organisation_count
        say(f"{organisation_count} organisations")

        # Locations, each belonging to an organisation, with an address when physical.
        location_table = _Table(Location, now=now)
        address_table = _Table(Address, now=now)
        locations_of: list[list[uuid.UUID]] = [[] for _index in range(organisation_count)]
        for index in range(locations):
            owner = index % organisation_count if index < organisation_count else None
            if owner is None:
                owner = rng.randrange(organisation_count)
            location_id = uuid.uuid4()
            locations_of[owner].append(location_id)
            draw = rng.random()
            kind = (
                Location.LocationType.PHYSICAL
                if draw < 0.9
                else Location.LocationType.POSTAL
                if draw < 0.95
                else Location.LocationType.VIRTUAL
            )
            confidential = kind == Location.LocationType.PHYSICAL and rng.random() < 0.02
            has_place = kind == Location.LocationType.PHYSICAL and not confidential
            latitude, longitude = _coordinate(rng) if has_place else (None, None)
            place = organisation_places[owner]
            name_fr = f"Site {place} {index + 1}" if kind != "virtual" else "En ligne"
            name_en = f"{place} site {index + 1}" if kind != "virtual" else "Online"
            location_table.add(
                id=location_id,
                location_type=kind,
                organisation_id=organisation_ids[owner],
                name=name_fr,
                name_fr=name_fr,
                name_en=name_en,
                latitude=latitude,
                longitude=longitude,
                is_confidential=confidential,
                transportation_fr=(
                    f"Tram ou bus : arrêt {rng.choice(NEIGHBOURHOODS)}." if has_place else None
                ),
                transportation_en=(
                    f"Tram or bus: {rng.choice(NEIGHBOURHOODS)} stop." if has_place else None
                ),
            )
            if kind != Location.LocationType.VIRTUAL and not confidential:
                address_table.add(
                    id=uuid.uuid4(),
                    location_id=location_id,
                    address_1=f"{rng.randint(1, 150)} {rng.choice(STREETS)}",
                    city=CITY,
                    region="Auvergne-Rhône-Alpes",
                    state_province="Isère",
                    postal_code=rng.choice(["38000", "38100"]),
                    country="FR",
                    address_type=kind,
                )
        location_table.flush()
        address_table.flush()
        counts["locations"] = location_table.written
        counts["addresses"] = address_table.written
        say(f"{location_table.written} locations, {address_table.written} addresses")

        # Services and what hangs from them.
        service_table = _Table(Service, now=now)
        need_table = _Table(Service.needs.through, now=now)
        language_table = _Table(Language, now=now)
        phone_table = _Table(Phone, now=now)
        at_location_table = _Table(ServiceAtLocation, now=now)
        schedule_table = _Table(Schedule, now=now)
        closure_table = _Table(Closure, now=now)
        category_weights = [category[1] for category in CATEGORIES]
        audience_weights = [audience[2] for audience in AUDIENCES]
        twice = min(max(locations - services, 0), services)  # services at two locations
        next_location = [0] * organisation_count
        service_ids: list[uuid.UUID] = []
        for index in range(services):
            service_id = uuid.uuid4()
            service_ids.append(service_id)
            owner = index % organisation_count
            code, _weight, names, descriptions, patterns = rng.choices(
                CATEGORIES, weights=category_weights
            )[0]
            base_fr, base_en = rng.choice(names)
            audience_fr, audience_en, _weight = rng.choices(AUDIENCES, weights=audience_weights)[0]
            place = organisation_places[owner]
            name_fr = " ".join(part for part in (base_fr, audience_fr) if part) + f" — {place}"
            name_en = " ".join(part for part in (base_en, audience_en) if part) + f" — {place}"
            free = rng.random() < 0.7
            lenient = code in {"health", "housing", "social_support", "domiciliation"}
            no_documents = rng.random() < (0.55 if lenient else 0.25)
            appointment = rng.random() < (0.25 if lenient else 0.5)
            walk_in = not appointment and rng.random() < 0.85
            anonymous = rng.random() < (0.3 if lenient else 0.1)
            interpretation = rng.random() < 0.3
            description_fr, description_en = rng.choice(descriptions)
            extra_fr = [
                text
                for flag, text in (
                    (free, "Gratuit."),
                    (no_documents, "Aucun papier demandé."),
                    (walk_in, "Sans rendez-vous."),
                    (interpretation, "Interprétariat possible."),
                )
                if flag
            ]
            extra_en = [
                text
                for flag, text in (
                    (free, "Free."),
                    (no_documents, "No papers asked."),
                    (walk_in, "No appointment needed."),
                    (interpretation, "Interpreting available."),
                )
                if flag
            ]
            status_draw = rng.random()
            status = (
                Service.Status.ACTIVE
                if status_draw < 0.95
                else Service.Status.TEMPORARILY_CLOSED
                if status_draw < 0.97
                else Service.Status.INACTIVE
                if status_draw < 0.99
                else Service.Status.DEFUNCT
            )
            minimum_age = maximum_age = None
            if audience_en == "for young people":
                minimum_age, maximum_age = 16, 25
            elif audience_en == "for unaccompanied minors":
                minimum_age, maximum_age = 12, 17
            elif audience_en == "for adults":
                minimum_age = 18
            service_table.add(
                id=service_id,
                organisation_id=organisation_ids[owner],
                name=name_fr,
                name_fr=name_fr,
                name_en=name_en,
                description=" ".join([description_fr, *extra_fr]),
                description_fr=" ".join([description_fr, *extra_fr]),
                description_en=" ".join([description_en, *extra_en]),
                status=status,
                email=f"service-{index + 1}@scale.example.org",
                minimum_age=minimum_age,
                maximum_age=maximum_age,
                last_assured_date=today - datetime.timedelta(days=rng.randint(0, 720)),
                no_documents_required=no_documents,
                anonymous_ok=anonymous,
                free=free,
                interpretation_available=interpretation,
                appointment_needed=appointment,
                walk_in=walk_in,
            )
            needs = {term_ids.get(code) or rng.choice(any_terms)}
            if rng.random() < 0.25:
                needs.add(rng.choice(any_terms))
            for term_id in needs:
                need_table.add(service_id=service_id, taxonomyterm_id=term_id)
            for language_code, language_name in _languages(rng):
                language_table.add(
                    id=uuid.uuid4(), service_id=service_id, code=language_code, name=language_name
                )
            if rng.random() < 0.85:
                phone_table.add(
                    id=uuid.uuid4(), service_id=service_id, number=_phone_number(rng), type="voice"
                )
            own = locations_of[owner]
            if own:
                wanted = 2 if index < twice and len(own) > 1 else 1
                for _index in range(wanted):
                    location_id = own[next_location[owner] % len(own)]
                    next_location[owner] += 1
                    at_location_table.add(
                        id=uuid.uuid4(), service_id=service_id, location_id=location_id
                    )
            for byday, opens, closes in PATTERNS[rng.choice(patterns)]:
                schedule_table.add(
                    id=uuid.uuid4(),
                    service_id=service_id,
                    freq=Schedule.Frequency.WEEKLY,
                    interval=1,
                    wkst="MO",
                    byday=byday,
                    opens_at=_time(opens),
                    closes_at=_time(closes),
                )
            if rng.random() < 0.03:
                reason_fr, reason_en = rng.choice(CLOSURE_REASONS)
                starts = today + datetime.timedelta(days=rng.randint(-20, 60))
                closure_table.add(
                    id=uuid.uuid4(),
                    service_id=service_id,
                    starts_on=starts,
                    ends_on=starts + datetime.timedelta(days=rng.randint(0, 21)),
                    reason=reason_fr,
                    reason_fr=reason_fr,
                    reason_en=reason_en,
                )
        tables = {
            "services": service_table,
            "needs": need_table,
            "languages": language_table,
            "phones": phone_table,
            "service_at_locations": at_location_table,
            "schedules": schedule_table,
            "closures": closure_table,
        }
        for name, table in tables.items():
            table.flush()
            counts[name] = table.written
        say(
            f"{service_table.written} services, {at_location_table.written} at locations, "
            f"{schedule_table.written} opening rules, {language_table.written} languages "
            f"({time.monotonic() - started:.0f} s)"
        )

        search.reindex(service_ids)
        say(f"search documents built ({time.monotonic() - started:.0f} s)")
        search.vocabulary_rebuild()
    _analyse()
    say(f"done in {time.monotonic() - started:.0f} s")
    return counts


def _analyse() -> None:
    """Fresh planner statistics, so the first searches plan for the new sizes."""
    tables = [
        Organisation,
        Service,
        Service.needs.through,
        Location,
        Address,
        ServiceAtLocation,
        Schedule,
        Closure,
        Language,
        Phone,
        ServiceSearchDocument,
    ]
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


# --- Removing --------------------------------------------------------------------------------


def _delete(model: type[models.Model], where: str, params: Sequence[object], depth: int = 0) -> int:
    """DELETE the rows of `model` matching `where`, cascading as Django would (CASCADE
    deletes, SET_NULL empties) but in set-based SQL: a million rows in seconds, where the
    ORM's collector would load them all. PROTECT relations are left to the database's
    foreign keys, which refuse at commit.

    The keys of each level are first copied into an analysed temporary table, so the
    planner never has to guess through nested subqueries (it once chose a plan that took
    minutes on a few hundred rows)."""
    if depth > 6:
        raise RuntimeError(f"cascade too deep at {model.__name__}")
    table = connection.ops.quote_name(model._meta.db_table)
    primary_key = connection.ops.quote_name(model._meta.pk.column)
    keys = f"delete_keys_{depth}_{model._meta.db_table}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {keys}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {keys} ON COMMIT DROP AS "  # noqa: S608 - names from models
            f"SELECT {primary_key} AS pk FROM {table} WHERE {where}",
            list(params),
        )
        cursor.execute(f"ANALYZE {keys}")
    selected = f"SELECT pk FROM {keys}"  # noqa: S608
    for relation in get_candidate_relations_to_delete(model._meta):
        related = relation.related_model
        column = connection.ops.quote_name(relation.field.column)
        on_delete = relation.on_delete
        if on_delete is models.CASCADE:
            _delete(related, f"{column} IN ({selected})", [], depth + 1)
        elif on_delete is models.SET_NULL:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {connection.ops.quote_name(related._meta.db_table)} "  # noqa: S608
                    f"SET {column} = NULL WHERE {column} IN ({selected})"
                )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {primary_key} IN ({selected})")  # noqa: S608
        return cursor.rowcount


def remove(*, progress: Progress | None = None) -> dict[str, int]:
    """Delete everything `generate()` made (whatever run made it); return counts."""
    say = progress or (lambda _message: None)
    started = time.monotonic()
    organisations = "organisation_id IN (SELECT id FROM accounts_organisation WHERE slug LIKE %s)"
    pattern = [SLUG_PREFIX.replace("_", "\\_") + "%"]
    with transaction.atomic():
        counts = {
            "services": _delete(Service, organisations, pattern),
            "locations": _delete(Location, organisations, pattern),
            "organisations": _delete(Organisation, "slug LIKE %s", pattern),
        }
        if counts["services"]:
            search.vocabulary_rebuild()
    say(f"removed {counts} in {time.monotonic() - started:.0f} s")
    return counts


def counts() -> dict[str, int]:
    """How much of the directory is generated, and how much is not."""
    generated = Service.objects.filter(organisation__slug__startswith=SLUG_PREFIX)
    return {
        "generated_services": generated.count(),
        "generated_locations": Location.objects.filter(
            organisation__slug__startswith=SLUG_PREFIX
        ).count(),
        "other_services": Service.objects.exclude(
            organisation__slug__startswith=SLUG_PREFIX
        ).count(),
        "other_locations": Location.objects.exclude(
            organisation__slug__startswith=SLUG_PREFIX
        ).count(),
    }
