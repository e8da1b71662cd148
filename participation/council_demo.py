"""Demo council: a city-wide council of foreign residents with 15 members, 6 past
meetings with minutes (French, translated into English and Arabic), 2 upcoming meetings
and 10 recommendations at every stage of the city's answer. Idempotent."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from participation.models import (
    AgendaItem,
    Council,
    CouncilMember,
    Meeting,
    Recommendation,
    RecommendationEvent,
    RecommendationStatus,
)
from portal.i18n.languages import set_translations

LANGS = ("fr", "en", "es", "ar")

MEMBERS = (
    ("Amina K.", CouncilMember.Role.CHAIR, "Association des femmes du monde", "fr,ar"),
    ("Tesfay G.", CouncilMember.Role.SECRETARY, "Communauté érythréenne", "ti,en,fr"),
    ("Oksana P.", CouncilMember.Role.MEMBER, "Maison ukrainienne", "uk,fr"),
    ("Ahmad S.", CouncilMember.Role.MEMBER, "Collectif afghan", "ps,fa,en"),
    ("Lucía M.", CouncilMember.Role.MEMBER, "Casa latina", "es,fr"),
    ("Moussa D.", CouncilMember.Role.MEMBER, "Foyer des travailleurs", "fr"),
    ("Leila H.", CouncilMember.Role.MEMBER, "Parents d'élèves sans frontières", "ar,fr"),
    ("Dawit A.", CouncilMember.Role.MEMBER, "", "ti,ar"),
    ("Mariam N.", CouncilMember.Role.MEMBER, "Association iranienne", "fa,fr"),
    ("Ion R.", CouncilMember.Role.MEMBER, "", "fr,en"),
    ("Fatou S.", CouncilMember.Role.MEMBER, "Femmes solidaires", "fr"),
    ("Yusuf B.", CouncilMember.Role.MEMBER, "Étudiants étrangers", "ar,en,fr"),
    ("Nadia Z.", CouncilMember.Role.MEMBER, "", "fr,ar"),
    ("Hamid R.", CouncilMember.Role.OBSERVER, "Maison des droits", "fa,fr"),
    ("Sofía L.", CouncilMember.Role.OBSERVER, "", "es,en"),
)

PAST = (
    (
        {
            "fr": "Séance d'installation",
            "en": "First sitting",
            "es": "Sesión de constitución",
            "ar": "الجلسة الافتتاحية",
        },
        {
            "fr": "Le conseil a élu sa présidente et son secrétaire. Les membres ont choisi trois priorités : l'accès aux droits, le logement et l'école.",
            "en": "The council elected its chair and its secretary. Members chose three priorities: access to rights, housing and school.",
            "ar": "انتخب المجلس رئيسته وأمين سره. اختار الأعضاء ثلاث أولويات: الوصول إلى الحقوق والسكن والمدرسة.",
        },
    ),
    (
        {
            "fr": "Accueil dans les services municipaux",
            "en": "Welcome at city services",
            "es": "Acogida en los servicios municipales",
            "ar": "الاستقبال في خدمات البلدية",
        },
        {
            "fr": "Des membres ont décrit des guichets qui demandent un titre de séjour sans raison. Le conseil a adopté deux recommandations sur l'interprétariat et l'affichage.",
            "en": "Members described desks that ask for a residence permit for no reason. The council adopted two recommendations on interpreting and signage.",
            "ar": "وصف أعضاء شبابيك تطلب بطاقة الإقامة دون سبب. اعتمد المجلس توصيتين بشأن الترجمة الشفوية واللافتات.",
        },
    ),
    (
        {
            "fr": "Logement et hébergement",
            "en": "Housing and shelter",
            "es": "Vivienda y alojamiento",
            "ar": "السكن والإيواء",
        },
        {
            "fr": "Le service logement a présenté les places d'urgence. Le conseil demande une information en plusieurs langues et une domiciliation plus rapide.",
            "en": "The housing department presented the emergency places. The council asks for information in several languages and a faster postal address service.",
            "ar": "قدّم قسم السكن أماكن الإيواء الطارئ. يطلب المجلس معلومات بعدة لغات وخدمة عنوان بريدي أسرع.",
        },
    ),
    (
        {
            "fr": "École et périscolaire",
            "en": "School and after-school",
            "es": "Escuela y actividades extraescolares",
            "ar": "المدرسة والأنشطة بعد المدرسة",
        },
        {
            "fr": "Inscriptions scolaires : des familles sans justificatif de domicile attendent des semaines. Recommandation adoptée pour accepter l'attestation de la ville.",
            "en": "School enrolment: families without proof of address wait for weeks. A recommendation was adopted to accept the city's attestation.",
            "ar": "التسجيل المدرسي: تنتظر عائلات بلا إثبات سكن أسابيع. اعتُمدت توصية بقبول شهادة البلدية.",
        },
    ),
    (
        {
            "fr": "Santé et accès aux soins",
            "en": "Health and access to care",
            "es": "Salud y acceso a la atención",
            "ar": "الصحة والوصول إلى العلاج",
        },
        {
            "fr": "Le centre de santé a expliqué l'accueil sans couverture. Le conseil recommande des permanences avec interprète.",
            "en": "The health centre explained how it sees people without insurance. The council recommends drop-in hours with an interpreter.",
            "ar": "شرح المركز الصحي استقبال الأشخاص بلا تغطية. يوصي المجلس بساعات استقبال مع مترجم.",
        },
    ),
    (
        {
            "fr": "Bilan de l'année",
            "en": "The year in review",
            "es": "Balance del año",
            "ar": "حصيلة السنة",
        },
        {
            "fr": "La ville a répondu à six recommandations sur dix. Le conseil suivra les réponses en attente lors de la prochaine séance.",
            "en": "The city answered six recommendations out of ten. The council will follow the pending answers at its next sitting.",
            "ar": "ردّت البلدية على ست توصيات من عشر. سيتابع المجلس الردود المنتظرة في جلسته القادمة.",
        },
    ),
)

UPCOMING = (
    {
        "fr": "Emploi et formation",
        "en": "Work and training",
        "es": "Empleo y formación",
        "ar": "العمل والتكوين",
    },
    {
        "fr": "Préparer le budget participatif",
        "en": "Preparing the participatory budget",
        "es": "Preparar el presupuesto participativo",
        "ar": "التحضير للميزانية التشاركية",
    },
)

# (meeting index, title, text, department, final status)
RECOMMENDATIONS = (
    (
        1,
        {
            "fr": "Interprètes aux guichets de la mairie",
            "en": "Interpreters at city hall desks",
            "es": "Intérpretes en las ventanillas del ayuntamiento",
            "ar": "مترجمون في شبابيك البلدية",
        },
        {
            "fr": "Proposer un interprétariat par téléphone à chaque guichet d'accueil.",
            "en": "Offer telephone interpreting at every reception desk.",
        },
        "Accueil et citoyenneté",
        RecommendationStatus.IMPLEMENTED,
    ),
    (
        1,
        {
            "fr": "Affichage : aucun titre de séjour exigé",
            "en": "Signs: no residence permit required",
            "es": "Carteles: no se exige permiso de residencia",
            "ar": "لافتات: لا يُشترط تصريح الإقامة",
        },
        {
            "fr": "Afficher dans chaque service les démarches qui n'exigent pas de titre de séjour.",
            "en": "Show in every service the procedures that need no residence permit.",
        },
        "Accueil et citoyenneté",
        RecommendationStatus.PARTIALLY_IMPLEMENTED,
    ),
    (
        2,
        {
            "fr": "Information logement en plusieurs langues",
            "en": "Housing information in several languages",
            "es": "Información de vivienda en varios idiomas",
            "ar": "معلومات السكن بعدة لغات",
        },
        {
            "fr": "Traduire la fiche des places d'urgence dans les langues du guide.",
            "en": "Translate the emergency places leaflet into the guide's languages.",
        },
        "Logement",
        RecommendationStatus.IMPLEMENTED,
    ),
    (
        2,
        {
            "fr": "Domiciliation en moins de deux semaines",
            "en": "A postal address within two weeks",
            "es": "Domiciliación en menos de dos semanas",
            "ar": "عنوان بريدي في أقل من أسبوعين",
        },
        {
            "fr": "Réduire le délai de domiciliation au CCAS à deux semaines.",
            "en": "Cut the waiting time for a postal address at the social centre to two weeks.",
        },
        "Action sociale",
        RecommendationStatus.IN_PROGRESS,
    ),
    (
        3,
        {
            "fr": "Accepter l'attestation de la ville pour l'école",
            "en": "Accept the city's attestation for school",
            "es": "Aceptar el certificado municipal para la escuela",
            "ar": "قبول شهادة البلدية للمدرسة",
        },
        {
            "fr": "Accepter l'attestation de résidence de la ville pour toute inscription scolaire.",
            "en": "Accept the city's residence attestation for every school enrolment.",
        },
        "Éducation",
        RecommendationStatus.IMPLEMENTED,
    ),
    (
        3,
        {
            "fr": "Cantine au tarif le plus bas sans justificatif",
            "en": "Lowest canteen rate without documents",
            "es": "Comedor a la tarifa más baja sin justificantes",
            "ar": "أدنى تسعيرة للمطعم المدرسي دون وثائق",
        },
        {
            "fr": "Appliquer le tarif le plus bas quand la famille ne peut pas fournir d'avis d'imposition.",
            "en": "Apply the lowest rate when a family cannot show a tax notice.",
        },
        "Éducation",
        RecommendationStatus.DECLINED,
    ),
    (
        4,
        {
            "fr": "Permanences santé avec interprète",
            "en": "Health drop-in hours with an interpreter",
            "es": "Atención sanitaria con intérprete",
            "ar": "ساعات استقبال صحية مع مترجم",
        },
        {
            "fr": "Ouvrir deux demi-journées par semaine avec interprète au centre de santé.",
            "en": "Open two half-days a week with an interpreter at the health centre.",
        },
        "Santé",
        RecommendationStatus.ACKNOWLEDGED,
    ),
    (
        4,
        {
            "fr": "Carte des lieux de soins gratuits",
            "en": "Map of free care",
            "es": "Mapa de atención gratuita",
            "ar": "خريطة أماكن العلاج المجاني",
        },
        {
            "fr": "Publier dans l'annuaire tous les lieux de soins sans avance de frais.",
            "en": "List in the directory every place of care with nothing to pay upfront.",
        },
        "Santé",
        RecommendationStatus.IMPLEMENTED,
    ),
    (
        5,
        {
            "fr": "Suivi public des réponses",
            "en": "Public follow-up of answers",
            "es": "Seguimiento público de las respuestas",
            "ar": "متابعة علنية للردود",
        },
        {
            "fr": "Que chaque service réponde par écrit dans les trois mois.",
            "en": "Every department answers in writing within three months.",
        },
        "Direction générale",
        RecommendationStatus.SUBMITTED,
    ),
    (
        5,
        {
            "fr": "Formation des agents à l'accueil sans discrimination",
            "en": "Training staff to welcome without discrimination",
            "es": "Formación del personal para atender sin discriminación",
            "ar": "تدريب الموظفين على الاستقبال دون تمييز",
        },
        {
            "fr": "Former chaque année les agents d'accueil aux droits des étrangers.",
            "en": "Train reception staff every year on foreigners' rights.",
        },
        "Ressources humaines",
        RecommendationStatus.SUBMITTED,
    ),
)

ANSWERS = {
    RecommendationStatus.DECLINED: {
        "fr": "La ville ne peut pas appliquer un tarif sans pièce justificative, mais le CCAS aide les familles à obtenir une attestation de ressources en une semaine.",
        "en": "The city cannot apply a rate without any document, but the social centre helps families get a statement of income within a week.",
    },
    RecommendationStatus.PARTIALLY_IMPLEMENTED: {
        "fr": "Les affiches sont posées dans les mairies de quartier ; les autres services suivront en 2027.",
        "en": "The signs are up in the district town halls; the other services will follow in 2027.",
    },
    RecommendationStatus.IMPLEMENTED: {
        "fr": "C'est fait.",
        "en": "Done.",
    },
}

PATH = {
    RecommendationStatus.SUBMITTED: [],
    RecommendationStatus.ACKNOWLEDGED: [RecommendationStatus.ACKNOWLEDGED],
    RecommendationStatus.IN_PROGRESS: [
        RecommendationStatus.ACKNOWLEDGED,
        RecommendationStatus.IN_PROGRESS,
    ],
    RecommendationStatus.IMPLEMENTED: [
        RecommendationStatus.ACKNOWLEDGED,
        RecommendationStatus.IN_PROGRESS,
        RecommendationStatus.IMPLEMENTED,
    ],
    RecommendationStatus.PARTIALLY_IMPLEMENTED: [
        RecommendationStatus.ACKNOWLEDGED,
        RecommendationStatus.IN_PROGRESS,
        RecommendationStatus.PARTIALLY_IMPLEMENTED,
    ],
    RecommendationStatus.DECLINED: [
        RecommendationStatus.ACKNOWLEDGED,
        RecommendationStatus.DECLINED,
    ],
}


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


@transaction.atomic
def seed() -> dict[str, int]:
    if Council.objects.filter(slug="conseil-des-residents-etrangers").exists():
        return {"councils": 0}
    council = Council(slug="conseil-des-residents-etrangers")
    set_translations(
        council,
        "name",
        {
            "fr": "Conseil des résidents étrangers",
            "en": "Council of foreign residents",
            "es": "Consejo de residentes extranjeros",
            "ar": "مجلس المقيمين الأجانب",
            "uk": "Рада іноземних мешканців",
        },
    )
    set_translations(
        council,
        "description",
        {
            "fr": "Quinze habitantes et habitants sans droit de vote conseillent la ville sur toutes ses politiques.",
            "en": "Fifteen residents without the vote advise the city on all its policies.",
            "es": "Quince vecinos sin derecho a voto asesoran a la ciudad sobre todas sus políticas.",
            "ar": "خمسة عشر من السكان بلا حق التصويت يقدّمون المشورة للمدينة في كل سياساتها.",
        },
    )
    council.save()
    today = timezone.localdate()
    term_start = today.replace(year=today.year - 1)
    for position, (name, role, community, languages) in enumerate(MEMBERS):
        CouncilMember.objects.create(
            council=council,
            display_name=name,
            role=role,
            community=community,
            languages=languages,
            term_start=term_start,
            publication_agreed=position != 12,
            position=position,
        )
    meetings = []
    for index, (titles, minutes) in enumerate(PAST):
        day = today - datetime.timedelta(days=30 * (len(PAST) - index))
        meeting = Meeting(
            council=council,
            starts_at=_at(day, 18),
            ends_at=_at(day, 20),
            place="Hôtel de ville, salle du conseil",
            interpretation="ar,ti,uk",
            minutes_published_at=_at(day + datetime.timedelta(days=7), 12),
        )
        set_translations(meeting, "title", titles)
        set_translations(
            meeting,
            "accessibility",
            {
                "fr": "Salle de plain-pied, boucle magnétique.",
                "en": "Step-free room, hearing loop.",
                "ar": "قاعة بلا درج، حلقة سمعية.",
            },
        )
        set_translations(meeting, "minutes", minutes)
        meeting.save()
        item = AgendaItem(meeting=meeting, position=1)
        set_translations(item, "title", titles)
        item.save()
        meetings.append(meeting)
    for offset, titles in zip((12, 45), UPCOMING, strict=True):
        day = today + datetime.timedelta(days=offset)
        meeting = Meeting(
            council=council,
            starts_at=_at(day, 18),
            ends_at=_at(day, 20),
            place="Hôtel de ville, salle du conseil",
            online_url="https://visio.example.org/conseil",
            interpretation="ar,ti,uk",
        )
        set_translations(meeting, "title", titles)
        meeting.save()
        item = AgendaItem(meeting=meeting, position=1)
        set_translations(item, "title", titles)
        item.save()
    # A closed meeting (the council's own organisation): on no public page.
    Meeting.objects.create(
        council=council,
        title="Réunion du bureau",
        title_fr="Réunion du bureau",
        starts_at=_at(today - datetime.timedelta(days=10), 17),
        ends_at=_at(today - datetime.timedelta(days=10), 18),
        is_public=False,
    )
    for number, (meeting_index, titles, texts, department, final) in enumerate(RECOMMENDATIONS):
        meeting = meetings[meeting_index]
        recommendation = Recommendation(council=council, meeting=meeting, department=department)
        set_translations(recommendation, "title", titles)
        set_translations(recommendation, "text", texts)
        if final in ANSWERS:
            set_translations(recommendation, "answer", ANSWERS[final])
        recommendation.status = final
        steps = PATH[final]
        if final in (
            RecommendationStatus.IMPLEMENTED,
            RecommendationStatus.PARTIALLY_IMPLEMENTED,
            RecommendationStatus.DECLINED,
        ):
            recommendation.answered_at = meeting.starts_at + datetime.timedelta(
                days=20 + 4 * number
            )
        recommendation.save()
        previous = RecommendationStatus.SUBMITTED
        for step in steps:
            event = RecommendationEvent.objects.create(
                recommendation=recommendation, from_status=previous, to_status=step
            )
            RecommendationEvent.objects.filter(pk=event.pk).update(
                occurred_at=meeting.starts_at + datetime.timedelta(days=10 + 5 * len(str(step)))
            )
            previous = step
    return {"councils": 1}
