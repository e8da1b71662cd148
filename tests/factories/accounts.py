import factory

from portal.accounts.models import Organisation, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda number: f"user{number}")
    password = factory.PostGenerationMethodCall("set_password", "a-long-test-password-1")
    preferred_language = "fr"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda number: f"Association {number}")
    slug = factory.Sequence(lambda number: f"association-{number}")
