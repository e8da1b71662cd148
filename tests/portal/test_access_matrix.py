"""Every URL of the portal and every admin page, for every role, in the three states of
a visitor: anonymous, signed in with the password only, and signed in with password and
second factor. The expected status of each is written down here; a new URL fails this
test until someone decides who may reach it.

The demo accounts hold every staff role (see portal/demo_accounts.py)."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.cache import cache
from django.core.management import call_command
from django.http import HttpRequest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from portal.accounts.models import User

pytestmark = pytest.mark.django_db

ROLES = ("admin", "editor", "translator", "caseworker", "clinic", "orgadmin", "officer", "equality")


def url_patterns(patterns=None, prefix="", namespace=""):  # type: ignore[no-untyped-def]
    """(view name, route) of every URL pattern, admin's included."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            joined = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), joined)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield name, prefix + str(pattern.pattern)


def sample_arguments() -> dict[str, str]:
    from discrimination.models import Report
    from participation.models import Process, Proposal
    from rights_guide.models import Article
    from services.models import Referral, Service

    article = Article.objects.filter(is_published=True).select_related("topic").first()
    process = Process.objects.get(slug="budget-2026")  # voting
    # A referral between the demo caseworkers' two organisations.
    referral = Referral.objects.filter(
        created_by__username="caseworker", receiving_organisation__slug="health-centre"
    ).first()
    from participation.models import Council, Meeting, Recommendation
    from portal.i18n.models import TranslationSegment

    orgadmin = User.objects.get(username="orgadmin")
    council = Council.objects.get()
    return {
        "council_slug": council.slug,
        "meeting_id": str(Meeting.objects.filter(council=council, is_public=True).first().pk),
        "recommendation_id": str(Recommendation.objects.filter(council=council).first().pk),
        "token": "not-a-signed-token",
        "topic_slug": article.topic.slug,
        "article_slug": article.slug,
        "slug": process.slug,
        "service_id": str(Service.objects.filter(status="active").first().pk),
        "referral_id": str(referral.pk),
        "organisation_id": str(orgadmin.memberships.first().organisation_id),
        "report_id": str(Report.objects.first().pk),
        "proposal_id": str(Proposal.objects.filter(process=process).first().pk),
        "district_slug": process.districts.first().slug,
        "closed_district_slug": Process.objects.get(slug="budget-2025").districts.first().slug,
        "table": "month",
        "pk": str(Service.objects.filter(status="active").first().pk),
        "path": "nothing.txt",
        "language": "ar",
        "segment_id": str(TranslationSegment.objects.filter(language="ar").first().pk),
    }


def concrete(name: str, route: str, values: dict[str, str]) -> str:
    route = route.replace("^", "").replace("$", "")
    route = re.sub(r"\(\?P<path>[^)]*\)", values["path"], route)

    def fill(match: re.Match[str]) -> str:
        if match.group(1) == "slug" and "<slug:topic_slug>" in route:
            return values["article_slug"]
        return values[match.group(1)]

    url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", fill, route)
    if name == "caseworker:referral-create":
        url += f"?service={values['service_id']}"
    if name in ("participation:results", "participation:ballots", "participation:export"):
        url = url.replace(values["slug"], "budget-2025")  # a process with results
        url = url.replace(f"/{values['district_slug']}.pb", f"/{values['closed_district_slug']}.pb")
    return url


# Who reaches what, with password and second factor. Public: the status everyone gets.
# Staff: the roles (demo accounts) that get 200 (or 405, for a view that only takes
# POST); everyone else with a second factor gets 403 or 404 (not their organisation's
# record); anonymous visitors are sent to sign in (401 from the API).
MEMBERS = {"caseworker", "clinic", "orgadmin", "equality"}  # organisation members
PUBLIC = {
    "healthz": 503,  # no Celery worker in this test: the check says so, to everyone
    "schema": 200,
    "api-docs": 200,
    "guide-api:topic-list": 200,
    "guide-api:article-list": 200,
    "participation-api:process-list": 200,
    "participation-api:project-list": 200,
    "participation-api:result-list": 200,
    "participation-api:ballot-cast": 405,  # POST with an eligibility code
    "registration-verify-api": 200,
    "hsds:root": 200,
    "hsds:profile": 200,
    "hsds:service-list": 200,
    "hsds:service-detail": 200,
    "hsds:organization-list": 200,
    "hsds:organization-detail": 404,  # given a service's id
    "hsds:service-at-location-list": 200,
    "hsds:service-at-location-detail": 404,
    "hsds:taxonomy-list": 200,
    "hsds:taxonomy-detail": 404,
    "hsds:taxonomy-term-list": 200,
    "hsds:taxonomy-term-detail": 404,
    "hsds:None": None,  # the same views with a trailing slash: checked above
    "home": 200,
    "discrimination:report": 200,
    "discrimination:follow-up": 200,
    "discrimination:observatory": 200,
    "discrimination:observatory-csv": 200,
    "discrimination:observatory-json": 200,
    "discrimination:observatory-chart": 200,
    "rights_guide:index": 200,
    "rights_guide:questionnaire": 200,
    "rights_guide:search": 200,
    "rights_guide:booklet": 202,  # being made: "come back in a moment"
    "rights_guide:topic": 200,
    "rights_guide:topic-booklet": 202,
    "rights_guide:article": 200,
    "services:index": 200,
    "services:service-detail": 200,
    "services:service-report": 405,  # POST only
    "registration:index": 200,
    "registration:request-form": 400,  # needs the form's fields
    "registration:verify": 200,
    "participation:index": 200,
    "participation:process": 200,
    "participation:vote": 200,
    "participation:receipt": 200,
    "participation:results": 200,
    "participation:ballots": 200,
    "participation:export": 200,
    "account:sign-out": 405,  # POST only, open to all
    "councils-api:council-list": 200,
    "councils-api:meeting-list": 200,
    "councils-api:recommendation-list": 200,
    "participation:council": 200,
    "participation:council-calendar": 200,
    "participation:meeting": 200,
    "participation:meeting-calendar": 200,
    "participation:recommendations": 200,
    "participation:recommendation": 200,  # staff with the permission also see a form
    "participation:follow": 405,  # POST only
    "participation:subscription-confirm": 200,  # a page with a button; the POST checks
    "participation:unsubscribe": 200,
    "None": 404,  # /media/ in development: no such file
}
EVERY_ACCOUNT = set(ROLES)
TRANSLATORS = {"admin", "editor", "translator"}
STAFF = {
    "referrals-api:referral-list": (MEMBERS, 200),
    "referrals-api:referral-detail": ({"caseworker", "clinic"}, 200),
    "referrals-api:referral-transition": (MEMBERS, 405),  # POST; members only
    "referrals-api:referral-note": (MEMBERS, 405),
    "caseworker:referral-list": (MEMBERS, 200),
    "caseworker:referral-create": (MEMBERS, 200),
    "caseworker:referral-detail": ({"caseworker", "clinic"}, 200),
    "caseworker:referral-audit": ({"orgadmin"}, 200),
    "caseworker:referral-statistics": ({"admin"}, 200),
    "caseworker:referral-chart": ({"admin"}, 200),
    "office:queue": ({"equality"}, 200),
    "office:report-detail": ({"equality"}, 200),
    "office:forwarded-list": ({"orgadmin"}, 200),
    "office:forwarded-detail": (set(), 200),  # this report was not forwarded to anyone
    "registration:counter": ({"caseworker", "orgadmin"}, 200),  # accredited organisations
    "registration:statistics": ({"admin"}, 200),
    "participation:propose": (EVERY_ACCOUNT, 200),  # any signed-in resident
    "participation:support": (EVERY_ACCOUNT, 405),  # POST
    "participation:officer": ({"admin", "officer"}, 200),
    "participation:officer-codes": ({"admin", "officer"}, 200),
    "participation:officer-paper": ({"admin", "officer"}, 200),
    # Translators of the language (Arabic), its reviewers (the editor) and superusers.
    "i18n:dashboard": (TRANSLATORS, 200),
    "i18n:segment-list": (TRANSLATORS, 200),
    "i18n:segment-edit": (TRANSLATORS, 200),
    "i18n:export-po": (TRANSLATORS, 200),
    "i18n:export-xliff": (TRANSLATORS, 200),
    "i18n:import": (TRANSLATORS, 405),  # POST
}


def _identities() -> dict[str, tuple[Client, Client]]:
    """Per demo account: (signed in with the password only, with the second factor too)."""
    found = {}
    for username in ROLES:
        user = User.objects.get(username=username)
        half = Client()
        half.password_only_login(user)  # type: ignore[attr-defined]
        full = Client()
        full.force_login(user)
        found[username] = (half, full)
    return found


def _to_second_factor(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 302 and response["Location"].startswith(
        "/fr/account/two-factor/?next="
    )


def test_every_url_for_every_role_and_no_staff_url_without_a_second_factor() -> None:
    cache.clear()  # rate-limit counters of earlier tests (Redis)
    call_command("seed_demo")
    values = sample_arguments()
    identities = _identities()
    anonymous = Client()
    problems: list[str] = []
    seen = set()
    for name, route in url_patterns():
        if name.startswith("admin:"):
            continue
        seen.add(name)
        if name not in PUBLIC and name not in STAFF and name != "account:two-factor":
            problems.append(f"{name}: not in the matrix; decide who may reach it")
            continue
        if PUBLIC.get(name, 0) is None:
            continue
        url = concrete(name, route, values)
        is_api = url.startswith("/api/")
        if name == "account:two-factor":
            # Only for a signed-in account without its second factor yet.
            assert anonymous.get(url).status_code == 302
            for username, (half, full) in identities.items():
                if half.get(url).status_code != 200 or full.get(url).status_code != 302:
                    problems.append(f"{name}: {username}")
            continue
        if name in PUBLIC:
            expected = PUBLIC[name]
            got = anonymous.get(url).status_code
            if got != expected:
                problems.append(f"{name} anonymous: {got}, expected {expected}")
            for username, (half, full) in identities.items():
                got_half = half.get(url)
                if is_api or name in ("healthz", "None", "account:sign-out"):
                    if got_half.status_code != expected:
                        problems.append(f"{name} {username}/password: {got_half.status_code}")
                elif not _to_second_factor(got_half):
                    problems.append(f"{name} {username}/password: not sent to the second factor")
                got = full.get(url).status_code
                if got != expected:
                    problems.append(f"{name} {username}: {got}, expected {expected}")
            continue
        allowed, status = STAFF[name]
        got = anonymous.get(url)
        if is_api:
            if got.status_code != 401:
                problems.append(f"{name} anonymous: {got.status_code}, expected 401")
        elif not (got.status_code == 302 and "/admin/login/" in got["Location"]):
            problems.append(f"{name} anonymous: {got.status_code}, not sent to sign in")
        for username, (half, full) in identities.items():
            got_half = half.get(url)
            if is_api:
                if got_half.status_code != 401:
                    problems.append(f"{name} {username}/password: {got_half.status_code}")
            elif not _to_second_factor(got_half):
                problems.append(f"{name} {username}/password: not sent to the second factor")
            got_status = full.get(url).status_code
            wanted = {status} if username in allowed else {403, 404}
            if got_status not in wanted:
                problems.append(f"{name} {username}: {got_status}, expected {sorted(wanted)}")
    missing = (set(PUBLIC) | set(STAFF)) - seen
    assert not missing, f"the matrix names URLs that no longer exist: {missing}"
    assert problems == [], "\n".join(problems)


def _request(user: User) -> HttpRequest:
    request = HttpRequest()
    request.user = user
    return request


def test_every_admin_page_for_every_role() -> None:
    """The admin index, and the list and add page of every registered model: 200 when
    the model's admin grants the role that page (its own has_*_permission, which some
    admins narrow: the audit log is append-only, attestations are not listed), else
    403; never without the second factor; anonymous visitors are sent to sign in."""
    from portal.demo import seed_demo  # the accounts and organisations only

    seed_demo()
    identities = _identities()
    anonymous = Client()
    problems = []
    pages = ["/fr/admin/"]
    for model in admin.site._registry:
        opts = model._meta
        pages.append(f"/fr/admin/{opts.app_label}/{opts.model_name}/")
        pages.append(f"/fr/admin/{opts.app_label}/{opts.model_name}/add/")
    for url in pages:
        got = anonymous.get(url)
        if not (got.status_code == 302 and "/admin/login/" in got["Location"]):
            problems.append(f"{url} anonymous: {got.status_code}")
        for username, (half, full) in identities.items():
            if not _to_second_factor(half.get(url)):
                problems.append(f"{url} {username}/password: not sent to the second factor")
            user = User.objects.get(username=username)
            if url == "/fr/admin/":
                expected = {200}
            else:
                app_label, model_name = url.split("/")[3:5]
                model = apps.get_model(app_label, model_name)
                model_admin = admin.site._registry[model]
                if url.endswith("/add/"):
                    permitted = model_admin.has_add_permission(_request(user))
                else:
                    permitted = model_admin.has_view_or_change_permission(_request(user))
                expected = {200} if permitted else {403}
            got_status = full.get(url).status_code
            if got_status not in expected:
                problems.append(f"{url} {username}: {got_status}, expected {expected}")
    assert problems == []
