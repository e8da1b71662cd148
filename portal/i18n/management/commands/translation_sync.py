"""Follow the source texts of every tracked object (after an import that bypassed
saves, or once when the workflow is switched on for existing content)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from portal.i18n.actions import source_sync
from portal.i18n.registry import tracked_models


class Command(BaseCommand):
    help = "Bring the translation workflow's paragraphs in line with every tracked object."

    def handle(self, *args: object, **options: object) -> None:
        changed = 0
        for model in tracked_models():
            for obj in model._default_manager.order_by("pk").iterator(chunk_size=500):
                result = source_sync(obj=obj)
                changed += bool(result.anything)
        self.stdout.write(f"{changed} objects had new or changed paragraphs.")
