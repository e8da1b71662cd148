from __future__ import annotations

from django.db.models import QuerySet

from portal.models import HomeNotice


def home_notice_list() -> QuerySet[HomeNotice]:
    return HomeNotice.objects.filter(is_published=True)
