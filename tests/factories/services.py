import factory

from services.models import Service, Taxonomy, TaxonomyTerm
from tests.factories.accounts import OrganisationFactory


class TaxonomyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Taxonomy

    name = "Needs"


class TaxonomyTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxonomyTerm

    taxonomy = factory.SubFactory(TaxonomyFactory)
    code = factory.Sequence(lambda number: f"need-{number}")
    name_fr = factory.Sequence(lambda number: f"Besoin {number}")
    name_en = factory.Sequence(lambda number: f"Need {number}")


class ServiceFactory(factory.django.DjangoModelFactory):
    """An active service in French and English."""

    class Meta:
        model = Service

    organisation = factory.SubFactory(OrganisationFactory)
    name_fr = factory.Sequence(lambda number: f"Service numéro {number}")
    name_en = factory.Sequence(lambda number: f"Service number {number}")
    description_fr = "Accueil sans rendez-vous."
