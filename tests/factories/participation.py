from decimal import Decimal

import factory

from participation.models import District, EligibilityCode, Phase, Process, Proposal
from portal import codes


class ProcessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Process

    slug = factory.Sequence(lambda number: f"budget-{number}")
    title_fr = factory.Sequence(lambda number: f"Budget {number}")
    phase = Phase.VOTING


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    process = factory.SubFactory(ProcessFactory)
    slug = factory.Sequence(lambda number: f"district-{number}")
    name_fr = factory.Sequence(lambda number: f"Quartier {number}")
    budget = Decimal(100_000)


class ProjectFactory(factory.django.DjangoModelFactory):
    """A feasible proposal, on the ballot."""

    class Meta:
        model = Proposal

    district = factory.SubFactory(DistrictFactory)
    process = factory.LazyAttribute(lambda project: project.district.process)
    title_fr = factory.Sequence(lambda number: f"Projet {number}")
    description_fr = "Une idée."
    source_language = "fr"
    estimated_cost = Decimal(30_000)
    final_cost = factory.LazyAttribute(lambda project: project.estimated_cost)
    status = Proposal.Status.FEASIBLE


def make_codes(process: Process, count: int) -> list[str]:
    """Codes as a voter would type them; only their hashes are stored."""
    printed = [codes.new_code() for _index in range(count)]
    EligibilityCode.objects.bulk_create(
        [
            EligibilityCode(
                process=process,
                code_hash=codes.code_hash(codes.normalise(code) or ""),
                source=EligibilityCode.Source.BATCH,
            )
            for code in printed
        ]
    )
    return printed
