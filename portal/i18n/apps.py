from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


def _source_saved(sender, instance, raw=False, **kwargs):  # type: ignore[no-untyped-def]
    from portal.i18n.actions import source_sync

    if not raw:  # fixtures load as they are
        source_sync(obj=instance)


def _source_deleted(sender, instance, **kwargs):  # type: ignore[no-untyped-def]
    from django.contrib.contenttypes.models import ContentType

    from portal.i18n.models import SourceSegment

    # Its texts go with it (a withdrawn proposal's words stay nowhere).
    SourceSegment.objects.filter(
        content_type=ContentType.objects.get_for_model(sender), object_id=str(instance.pk)
    ).delete()


class I18nConfig(AppConfig):
    name = "portal.i18n"
    label = "i18n"
    verbose_name = _("Languages")

    def ready(self) -> None:
        from portal.i18n.registry import tracked_models

        for model in tracked_models():
            uid = f"i18n-{model._meta.label}"
            post_save.connect(_source_saved, sender=model, dispatch_uid=uid)
            post_delete.connect(_source_deleted, sender=model, dispatch_uid=uid)
