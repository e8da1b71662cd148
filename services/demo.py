"""Demo directory core and referrals for `seed_demo` (made up; no real person).

Service texts are given in four languages only, so Persian, Ukrainian, Tigrinya and
Pashto readers see the fallback notice on a real page. Need names come from the UI
catalogues, so they exist in every enabled language.
"""

from __future__ import annotations

import datetime
import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from portal.accounts.models import Organisation, User
from portal.i18n.languages import set_translations
from services import actions
from services.models import Referral, ReferralEvent, Service, Taxonomy, TaxonomyTerm

NEEDS = [
    ("health", "Health care"),
    ("schooling", "School for children"),
    ("housing", "A place to sleep"),
    ("domiciliation", "A postal address"),
    ("legal_help", "Legal help"),
    ("work", "Work"),
    ("language_classes", "Language classes"),
    ("social_support", "Social support"),
    ("participation", "Taking part in city life"),
    ("discrimination", "Discrimination"),
    ("registration", "Proof of residence"),
]

SERVICES = [
    {
        "organisation": "health-centre",
        "needs": ["health"],
        "email": "sante@ville.example.org",
        "name": {
            "fr": "Consultations sans rendez-vous",
            "en": "Walk-in medical consultations",
            "es": "Consultas sin cita previa",
            "ar": "استشارات طبية دون موعد",
        },
        "description": {
            "fr": "Un médecin et une infirmière reçoivent toute personne, avec ou sans "
            "couverture maladie. Interprétariat par téléphone.",
            "en": "A doctor and a nurse see anyone, with or without health cover. "
            "Interpreting by phone.",
            "es": "Un médico y una enfermera atienden a cualquier persona, con o sin "
            "cobertura sanitaria. Interpretación por teléfono.",
            "ar": "يستقبل طبيب وممرضة أي شخص، سواء كان لديه تأمين صحي أم لا. "
            "ترجمة فورية عبر الهاتف.",
        },
    },
    {
        "organisation": "solidarity-association",
        "needs": ["domiciliation", "social_support"],
        "email": "contact@solidarite.example.org",
        "name": {
            "fr": "Domiciliation et accompagnement social",
            "en": "Postal address and social support",
            "es": "Domiciliación y acompañamiento social",
            "ar": "عنوان بريدي ومرافقة اجتماعية",
        },
        "description": {
            "fr": "Une adresse pour recevoir votre courrier, et une aide pour vos démarches.",
            "en": "An address to receive your mail, and help with your paperwork.",
            "es": "Una dirección para recibir su correo y ayuda con sus trámites.",
            "ar": "عنوان لاستلام بريدك، ومساعدة في معاملاتك الإدارية.",
        },
    },
    {
        "organisation": "solidarity-association",
        "needs": ["language_classes"],
        "email": "cours@solidarite.example.org",
        "name": {
            "fr": "Cours de français pour adultes",
            "en": "French classes for adults",
            "es": "Clases de francés para adultos",
            "ar": "دروس اللغة الفرنسية للكبار",
        },
        "description": {
            "fr": "Deux soirs par semaine, gratuits, tous niveaux.",
            "en": "Two evenings a week, free, all levels.",
            "es": "Dos tardes por semana, gratis, todos los niveles.",
            "ar": "مساءان في الأسبوع، مجانًا، لجميع المستويات.",
        },
    },
    {
        "organisation": "solidarity-association",
        "needs": ["legal_help"],
        "email": "droit@solidarite.example.org",
        "name": {
            "fr": "Permanence juridique",
            "en": "Free legal advice",
            "es": "Asesoría jurídica gratuita",
            "ar": "استشارات قانونية مجانية",
        },
        "description": {
            "fr": "Des juristes bénévoles répondent à vos questions sur vos droits.",
            "en": "Volunteer lawyers answer your questions about your rights.",
            "es": "Juristas voluntarios responden a sus preguntas sobre sus derechos.",
            "ar": "يجيب حقوقيون متطوعون عن أسئلتك حول حقوقك.",
        },
    },
    {
        "organisation": "welcome-desk",
        "needs": ["registration", "schooling"],
        "email": "accueil@ville.example.org",
        "name": {
            "fr": "Accueil des habitants",
            "en": "Residents' welcome desk",
            "es": "Atención a los vecinos",
            "ar": "مكتب استقبال السكان",
        },
        "description": {
            "fr": "Inscription comme habitant, inscription scolaire, orientation vers les "
            "services de la ville.",
            "en": "Registration as a resident, school enrolment, directions to the city's "
            "services.",
            "es": "Empadronamiento, matrícula escolar, orientación hacia los servicios "
            "municipales.",
            "ar": "التسجيل كمقيم، تسجيل الأطفال في المدرسة، التوجيه إلى خدمات المدينة.",
        },
    },
]

OUTCOMES = [
    (Referral.Status.COMPLETED, 6),
    (Referral.Status.ACCEPTED, 2),
    (Referral.Status.DECLINED, 2),
    (Referral.Status.NO_SHOW, 1),
    (Referral.Status.WITHDRAWN, 1),
    (Referral.Status.SENT, 1),
]


def _needs() -> dict[str, TaxonomyTerm]:
    taxonomy, _created = Taxonomy.objects.get_or_create(
        name="Needs", defaults={"description": "The portal's needs vocabulary", "version": "1"}
    )
    terms = {}
    for code, english in NEEDS:
        term = TaxonomyTerm.objects.filter(taxonomy=taxonomy, code=code).first()
        if term is None:
            term = TaxonomyTerm(taxonomy=taxonomy, code=code)
            names = {}
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    names[language] = gettext(english)
            set_translations(term, "name", names)
            term.full_clean()
            term.save()
        terms[code] = term
    return terms


def _services(terms: dict[str, TaxonomyTerm]) -> list[Service]:
    services = []
    for data in SERVICES:
        organisation = Organisation.objects.get(slug=data["organisation"])
        service = Service.objects.filter(
            organisation=organisation, name_fr=data["name"]["fr"]
        ).first()
        if service is None:
            service = Service(
                organisation=organisation,
                email=data["email"],
                last_assured_date=datetime.date(2026, 10, 1),
            )
            set_translations(service, "name", data["name"])
            set_translations(service, "description", data["description"])
            service.full_clean()
            service.save()
            service.needs.set([terms[code] for code in data["needs"]])
        services.append(service)
    return services


def _referrals(services: list[Service], terms: dict[str, TaxonomyTerm]) -> int:
    """160 referrals over four months from the welcome desk, enough for the statistics
    page to show figures above the suppression threshold."""
    caseworker = User.objects.filter(username="caseworker").first()
    receiver = User.objects.filter(username="orgadmin").first()
    if caseworker is None or receiver is None or Referral.objects.exists():
        return 0
    health = next(service for service in services if service.organisation.slug == "health-centre")
    health_staff = User.objects.filter(memberships__organisation=health.organisation).first()
    targets = [service for service in services if service.organisation.slug != "welcome-desk"]
    chooser = random.Random(2026)  # noqa: S311 - demo figures, not security
    weighted = [status for status, weight in OUTCOMES for _index in range(weight)]
    now = timezone.now()
    created = 0
    for index in range(160):
        service = targets[index % len(targets)] if index % 5 else health
        if service.organisation.slug == "health-centre" and health_staff is None:
            service = targets[1]
        acting = receiver if service.organisation.slug != "health-centre" else health_staff
        referral = actions.referral_create(
            caseworker=caseworker,
            service=service,
            need=service.needs.first(),
            consent=Referral.Consent.GIVEN,
            contact_channel=Referral.Contact.CASEWORKER_ONLY,
            contact_language=chooser.choice(["fr", "ar", "ti", "ps", "uk", "es"]),
            send=True,
        )
        outcome = chooser.choice(weighted)
        path = {
            Referral.Status.SENT: [],
            Referral.Status.ACCEPTED: ["accept"],
            Referral.Status.DECLINED: ["decline"],
            Referral.Status.COMPLETED: ["accept", "complete"],
            Referral.Status.NO_SHOW: ["accept", "no_show"],
            Referral.Status.WITHDRAWN: ["withdraw"],
        }[outcome]
        for move in path:
            actions.referral_transition(
                referral_id=referral.pk,
                user=caseworker if move == "withdraw" else acting,  # type: ignore[arg-type]
                move=move,
                decline_reason="full" if move == "decline" else "",
            )
        moment = now - datetime.timedelta(days=chooser.randint(1, 120))
        Referral.objects.filter(pk=referral.pk).update(
            created_at=moment,
            sent_at=moment,
            answered_at=moment + datetime.timedelta(days=2) if path else None,
        )
        ReferralEvent.objects.filter(referral=referral).update(occurred_at=moment)
        created += 1
    return created


@transaction.atomic
def seed() -> dict[str, int]:
    terms = _needs()
    before = Service.objects.count()
    services = _services(terms)
    referrals = _referrals(services, terms)
    return {"services": Service.objects.count() - before, "referrals": referrals}
