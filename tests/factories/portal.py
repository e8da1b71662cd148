import factory

from portal.models import HomeNotice


class HomeNoticeFactory(factory.django.DjangoModelFactory):
    """A published notice in French only, unless translations are passed."""

    class Meta:
        model = HomeNotice

    slug = factory.Sequence(lambda number: f"notice-{number}")
    title_fr = factory.Sequence(lambda number: f"Avis numéro {number}")
    body_fr = "Le guichet est ouvert sans rendez-vous."
    is_published = True
