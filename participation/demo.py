"""Demo budgets for `seed_demo`: one open for voting, one with its results.

The open one accepts the well-known demo codes below (printed by `make run`'s README):
never use such codes in a real budget.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction

from participation import actions
from participation.models import (
    BallotType,
    District,
    EligibilityCode,
    Phase,
    Process,
    Proposal,
    Rule,
)
from portal import codes
from portal.i18n.languages import set_translations

DEMO_CODES = [f"DEMOCODE{'A' * 16}{first}{second}" for first in "AB" for second in "ABCDE"]

LANGS = ("fr", "en", "es", "ar", "uk")

OPEN_PROJECTS = [
    # district, cost, (fr, en, es, ar, uk)
    (
        "centre",
        120000,
        (
            "Des bancs et de l'ombre place du Marché",
            "Benches and shade on Market Square",
            "Bancos y sombra en la plaza del Mercado",
            "مقاعد وظل في ساحة السوق",
            "Лавки й тінь на Ринковій площі",
        ),
    ),
    (
        "centre",
        80000,
        (
            "Toilettes publiques gratuites",
            "Free public toilets",
            "Aseos públicos gratuitos",
            "مراحيض عامة مجانية",
            "Безкоштовні громадські туалети",
        ),
    ),
    (
        "centre",
        150000,
        (
            "Une maison des langues",
            "A house of languages",
            "Una casa de las lenguas",
            "بيت اللغات",
            "Будинок мов",
        ),
    ),
    (
        "centre",
        40000,
        (
            "Fontaines d'eau potable",
            "Drinking water fountains",
            "Fuentes de agua potable",
            "نوافير مياه الشرب",
            "Фонтанчики з питною водою",
        ),
    ),
    (
        "centre",
        60000,
        (
            "Casiers gratuits pour les personnes sans domicile",
            "Free lockers for homeless people",
            "Taquillas gratuitas para personas sin hogar",
            "خزائن مجانية للأشخاص بلا مأوى",
            "Безкоштовні шафки для людей без житла",
        ),
    ),
    (
        "south",
        90000,
        (
            "Un terrain de sport éclairé",
            "A lit sports ground",
            "Una pista deportiva iluminada",
            "ملعب رياضي مضاء",
            "Освітлений спортивний майданчик",
        ),
    ),
    (
        "south",
        50000,
        (
            "Un jardin partagé",
            "A shared garden",
            "Un huerto compartido",
            "حديقة مشتركة",
            "Спільний сад",
        ),
    ),
    (
        "south",
        70000,
        (
            "Wi-Fi gratuit à la maison de quartier",
            "Free Wi-Fi at the community centre",
            "Wi-Fi gratuito en el centro vecinal",
            "إنترنت مجاني في دار الحي",
            "Безкоштовний Wi-Fi у будинку громади",
        ),
    ),
    (
        "south",
        30000,
        (
            "Une boîte à livres multilingue",
            "A multilingual book box",
            "Una caja de libros multilingüe",
            "صندوق كتب متعدد اللغات",
            "Багатомовна книжкова скринька",
        ),
    ),
]

CLOSED_PROJECTS = [
    (
        120000,
        (
            "Rénover le gymnase",
            "Renovate the gym",
            "Renovar el gimnasio",
            "تجديد صالة الرياضة",
            "Оновити спортзал",
        ),
    ),
    (100000, ("Un skate-park", "A skate park", "Un skatepark", "حديقة تزلج", "Скейт-парк")),
    (
        80000,
        (
            "Plus d'éclairage dans les rues",
            "More street lighting",
            "Más alumbrado en las calles",
            "إنارة أكثر في الشوارع",
            "Більше вуличного освітлення",
        ),
    ),
    (
        40000,
        (
            "Cours de vélo pour adultes",
            "Cycling lessons for adults",
            "Clases de bicicleta para adultos",
            "دروس ركوب الدراجة للكبار",
            "Уроки їзди на велосипеді для дорослих",
        ),
    ),
    (
        30000,
        (
            "Traduction des panneaux de la mairie",
            "Translating the town hall's signs",
            "Traducir los carteles del ayuntamiento",
            "ترجمة لافتات البلدية",
            "Переклад табличок у мерії",
        ),
    ),
    (
        20000,
        (
            "Un coin bébé à la bibliothèque",
            "A baby corner at the library",
            "Un rincón para bebés en la biblioteca",
            "ركن للرضع في المكتبة",
            "Дитячий куточок у бібліотеці",
        ),
    ),
]


def _texts(obj: object, field: str, texts: tuple[str, ...]) -> None:
    set_translations(obj, field, dict(zip(LANGS, texts, strict=True)))


def _process(
    slug: str, titles: tuple[str, ...], descriptions: tuple[str, ...], **values: object
) -> Process:
    process = Process(slug=slug, **values)
    _texts(process, "title", titles)
    _texts(process, "description", descriptions)
    process.full_clean()
    process.save()
    return process


def _district(process: Process, slug: str, names: tuple[str, ...], budget: int) -> District:
    district = District(process=process, slug=slug, budget=Decimal(budget))
    _texts(district, "name", names)
    district.full_clean()
    district.save()
    return district


def _project(
    district: District, cost: int, titles: tuple[str, ...], status: str = "feasible"
) -> Proposal:
    proposal = Proposal(
        process=district.process,
        district=district,
        source_language="fr",
        estimated_cost=Decimal(cost),
        final_cost=Decimal(cost) if status == "feasible" else None,
        status=status,
    )
    _texts(proposal, "title", titles)
    _texts(proposal, "description", titles)
    proposal.full_clean()
    proposal.save()
    return proposal


@transaction.atomic
def seed() -> dict[str, int]:
    added = {"budgets": 0, "ballots": 0}
    if not Process.objects.filter(slug="budget-2026").exists():
        process = _process(
            "budget-2026",
            (
                "Budget participatif 2026",
                "Participatory budget 2026",
                "Presupuesto participativo 2026",
                "الميزانية التشاركية 2026",
                "Громадський бюджет 2026",
            ),
            (
                "500 000 € pour les idées des habitants, quels que soient leurs papiers.",
                "€500,000 for residents' ideas, whatever their papers.",
                "500 000 € para las ideas de los vecinos, tengan o no papeles.",
                "500 000 يورو لأفكار السكان، مهما كانت أوراقهم.",
                "500 000 € на ідеї мешканців, незалежно від їхніх документів.",
            ),
            phase=Phase.VOTING,
            ballot_type=BallotType.APPROVAL,
            official_rule=Rule.MES,
            voting_opens_on=datetime.date(2026, 11, 1),
            voting_closes_on=datetime.date(2026, 12, 15),
            minimum_age=16,
        )
        districts = {
            "centre": _district(
                process,
                "centre",
                ("Centre-ville", "City centre", "Centro", "وسط المدينة", "Центр міста"),
                300000,
            ),
            "south": _district(
                process,
                "south",
                (
                    "Quartiers Sud",
                    "Southern districts",
                    "Barrios del sur",
                    "الأحياء الجنوبية",
                    "Південні квартали",
                ),
                200000,
            ),
        }
        for district_slug, cost, titles in OPEN_PROJECTS:
            _project(districts[district_slug], cost, titles)
        unfeasible = _project(
            districts["centre"],
            900000,
            (
                "Un tramway vers la gare",
                "A tram to the station",
                "Un tranvía a la estación",
                "ترام إلى المحطة",
                "Трамвай до вокзалу",
            ),
            status="unfeasible",
        )
        _texts(
            unfeasible,
            "review_reason",
            (
                "Trop cher : le coût dépasse tout le budget du quartier.",
                "Too expensive: it costs more than the whole district budget.",
                "Demasiado caro: cuesta más que todo el presupuesto del barrio.",
                "مكلف جداً: يكلف أكثر من ميزانية الحي كلها.",
                "Занадто дорого: коштує більше, ніж увесь бюджет району.",
            ),
        )
        unfeasible.save()
        EligibilityCode.objects.bulk_create(
            [
                EligibilityCode(
                    process=process,
                    code_hash=codes.code_hash(code),
                    source=EligibilityCode.Source.BATCH,
                )
                for code in DEMO_CODES
            ]
        )
        added["budgets"] += 1

    if not Process.objects.filter(slug="budget-2025").exists():
        process = _process(
            "budget-2025",
            (
                "Budget participatif 2025",
                "Participatory budget 2025",
                "Presupuesto participativo 2025",
                "الميزانية التشاركية 2025",
                "Громадський бюджет 2025",
            ),
            (
                "Les résultats du vote de 2025.",
                "The results of the 2025 vote.",
                "Los resultados de la votación de 2025.",
                "نتائج تصويت 2025.",
                "Результати голосування 2025 року.",
            ),
            phase=Phase.VOTING,
            ballot_type=BallotType.APPROVAL,
            official_rule=Rule.MES,
            voting_opens_on=datetime.date(2025, 11, 1),
            voting_closes_on=datetime.date(2025, 12, 15),
        )
        district = _district(
            process,
            "city",
            ("Toute la ville", "The whole city", "Toda la ciudad", "المدينة كلها", "Усе місто"),
            300000,
        )
        projects = [_project(district, cost, titles) for cost, titles in CLOSED_PROJECTS]
        rng = random.Random(2025)  # noqa: S311 - demo data, not security
        ballots = 0
        # A large group wants the big sports projects; two smaller groups want the rest.
        for _voter in range(180):
            choices = {projects[0].pk: 1, projects[1].pk: 1}
            if rng.random() < 0.3:
                choices[projects[2].pk] = 1
            ballots += _demo_ballot(process, district, choices)
        for _voter in range(70):
            choices = {projects[3].pk: 1, projects[4].pk: 1}
            ballots += _demo_ballot(process, district, choices)
        for _voter in range(50):
            choices = {projects[5].pk: 1, projects[4].pk: 1, projects[2].pk: 1}
            ballots += _demo_ballot(process, district, choices)
        process.phase = Phase.RESULTS
        process.save(update_fields=["phase"])
        actions.process_tally(process=process)
        added["budgets"] += 1
        added["ballots"] += ballots
    from participation import council_demo

    added.update(council_demo.seed())
    return added


def _demo_ballot(process: Process, district: District, choices: dict[int, int]) -> int:
    code = actions.eligibility_code_issue(process=process)
    actions.ballot_cast(
        process=process,
        district=district,
        code=code,
        choices=choices,
        today=datetime.date(2025, 12, 1),
    )
    return 1
