"""Demo guide content for `seed_demo`: written in French as a city would, fully
translated into English, Spanish and Arabic, partly into the other demo languages so
that fallback notices show on real pages. Idempotent: existing slugs are left alone."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.db import transaction

from portal.i18n.languages import set_translations
from rights_guide.actions import guide_vocabulary_refresh
from rights_guide.models import Article, Situation, Topic

CONTENT_DIR = Path(__file__).resolve().parent / "demo_content"


def _get_or_create(
    model: type[Topic] | type[Situation],
    item: dict[str, object],
    values: dict[str, object],
    text_fields: tuple[str, ...],
    added: dict[str, int],
    counter: str,
) -> Topic | Situation:
    existing = model.objects.filter(slug=item["slug"]).first()
    if existing is not None:
        return existing
    obj = model(slug=item["slug"], **values)
    for field in text_fields:
        set_translations(obj, field, item[field])  # type: ignore[arg-type]
    obj.full_clean()
    obj.save()
    added[counter] += 1
    return obj


@transaction.atomic
def seed() -> dict[str, int]:
    added = {"topics": 0, "situations": 0, "articles": 0}
    data = json.loads((CONTENT_DIR / "topics_situations.json").read_text(encoding="utf-8"))
    topics = {
        item["slug"]: _get_or_create(
            Topic, item, {"position": item["position"]}, ("title", "summary"), added, "topics"
        )
        for item in data["topics"]
    }
    situations = {
        item["slug"]: _get_or_create(
            Situation,
            item,
            {"position": item["position"], "default_needs": item["default_needs"]},
            ("title", "description"),
            added,
            "situations",
        )
        for item in data["situations"]
    }

    items = [
        item
        for path in sorted(CONTENT_DIR.glob("articles_*.json"))
        for item in json.loads(path.read_text(encoding="utf-8"))
    ]
    created: dict[str, tuple[Article, dict[str, object]]] = {}
    for item in items:
        if Article.objects.filter(slug=item["slug"]).exists():
            continue
        article = Article(
            slug=item["slug"],
            topic=topics[item["topic"]],
            position=item["position"],
            needs=item["needs"],
            applies_regardless_of_status=item["applies_regardless_of_status"],
            last_reviewed=datetime.date.fromisoformat(item["last_reviewed"]),
            legal_references=item.get("legal_references", ""),
            approved_languages=item["approved"],
            is_published=True,
        )
        for field in ("title", "summary", "body", "what_to_bring", "where_to_go"):
            set_translations(article, field, item[field])
        article.full_clean(exclude=["situations", "related_articles"])
        article.save()
        article.situations.set([situations[slug] for slug in item["situations"]])
        created[article.slug] = (article, item)
        added["articles"] += 1
    by_slug = {article.slug: article for article in Article.objects.all()}
    for article, item in created.values():
        article.related_articles.set(
            [by_slug[slug] for slug in item.get("related", []) if slug in by_slug]
        )
    if created:
        guide_vocabulary_refresh()
    return added
