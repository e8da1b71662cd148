from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _translation_published(sender, **kwargs):  # type: ignore[no-untyped-def]
    from rights_guide.actions import _refresh_vocabulary_later

    _refresh_vocabulary_later()  # approved words become searchable


class RightsGuideConfig(AppConfig):
    name = "rights_guide"
    verbose_name = _("Rights guide")

    def ready(self) -> None:
        from portal.i18n.signals import translation_published
        from rights_guide.models import Article, Situation, Topic

        for model in (Article, Situation, Topic):
            translation_published.connect(
                _translation_published, sender=model, dispatch_uid=f"guide-{model.__name__}"
            )
