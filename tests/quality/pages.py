"""The public pages an anonymous reader opens, with real arguments from the demo data,
and a way to make the demo bigger: shared by the query-count, page-weight and browser
quality-gate tests."""

from __future__ import annotations

from urllib.parse import quote

from tests.portal.test_access_matrix import PUBLIC, concrete, sample_arguments, url_patterns

# Public views that answer with an HTML page (the others are files, feeds or the API).
NOT_HTML = {
    "healthz",
    "schema",
    "api-docs",
    "rights_guide:booklet",
    "rights_guide:topic-booklet",
    "discrimination:observatory-csv",
    "discrimination:observatory-json",
    "discrimination:observatory-chart",
    "participation:ballots",
    "participation:export",
    "participation:council-calendar",
    "participation:meeting-calendar",
}
# Query strings that make a page do its work (a search with words, a need and filters).
QUERIES = {
    "rights_guide:search": "?q=" + quote("logement"),
    "services:index": "?q=" + quote("santé") + "&need=health&no_documents_required=on",
}


def public_pages(language: str = "fr") -> dict[str, str]:
    """View name -> URL of every public HTML page, in `language` (demo data loaded)."""
    values = sample_arguments()
    pages = {}
    for name, route in url_patterns():
        if PUBLIC.get(name) != 200 or name in NOT_HTML or route.startswith("api/"):
            continue
        if name.startswith(("hsds:", "guide-api:", "participation-api:", "councils-api:")):
            continue
        if name == "registration-verify-api":
            continue
        url = concrete(name, route, values) + QUERIES.get(name, "")
        pages[name] = url.replace("/fr/", f"/{language}/", 1)
    return pages


def _clone(instance, **changes):  # type: ignore[no-untyped-def]
    """A copy of a row with new values for its unique fields (many-to-many copied)."""
    many = {
        field.name: list(getattr(instance, field.name).all())
        for field in instance._meta.many_to_many
    }
    instance.pk = None
    instance.id = None
    instance._state.adding = True
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.save()
    for name, values in many.items():
        getattr(instance, name).set(values)
    return instance


def grow_demo(times: int = 3) -> None:
    """More of everything a public page lists: articles in every topic, services that the
    sample search finds, notices, meetings, recommendations and budget proposals."""
    from participation.models import Meeting, Proposal, Recommendation
    from portal.models import HomeNotice
    from rights_guide.models import Article
    from services import search
    from services.models import Service

    for copy in range(times):
        for article in Article.objects.filter(is_published=True).exclude(slug__contains="-copy"):
            _clone(article, slug=f"{article.slug[:40]}-copy{copy}")
        for service in Service.objects.filter(status="active", needs__code="health"):
            _clone(service)
        for notice in HomeNotice.objects.filter(is_published=True, slug__regex=r"^[^~]+$"):
            _clone(notice, slug=f"{notice.slug[:40]}~{copy}")
        for model in (Meeting, Recommendation, Proposal):
            for row in list(model.objects.all()[:20]):
                _clone(row)
    search.reindex()
