"""Public and officer pages of the participatory budget.

The voting pages work without JavaScript and without cookies: the eligibility code is
the voter's credential, carried from step to step in the form, so these forms are
exempt from Django's CSRF cookie (a forged request would need the voter's code).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from participation import actions, selectors
from participation.calendar import meetings_calendar
from participation.forms import (
    CodeBatchForm,
    CodeForm,
    FollowForm,
    PaperEntryForm,
    ProposalForm,
    ReceiptForm,
)
from participation.models import (
    RECOMMENDATION_TRANSITIONS,
    BallotType,
    District,
    Meeting,
    PaperSheet,
    Phase,
    Process,
    RecommendationStatus,
)
from participation.pb_export import process_district_pb
from portal import ratelimit
from portal.accounts.roles import Role
from portal.accounts.selectors import user_has_role

FAILED_CODE_LIMIT = 20  # per address and hour, against guessing codes


def index(request: HttpRequest) -> HttpResponse:
    """The council's front page and the participatory budgets."""
    return render(
        request,
        "participation/index.html",
        {
            "processes": selectors.process_list(),
            "councils": selectors.council_list(),
            "upcoming": selectors.upcoming_meetings()[:5],
            "recommendations": selectors.latest_recommendations(),
        },
    )


def process_detail(request: HttpRequest, slug: str) -> HttpResponse:
    process = selectors.process_get(slug=slug)
    return render(
        request,
        "participation/process.html",
        {
            "process": process,
            "proposals": selectors.proposal_list(process=process, user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, slug: str) -> HttpResponse:
    process = selectors.process_get(slug=slug)
    form = ProposalForm(request.POST or None, request.FILES or None, process=process)
    if request.method == "POST" and form.is_valid():
        try:
            actions.proposal_submit(
                process=process,
                district=form.cleaned_data["district"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                estimated_cost=form.cleaned_data["estimated_cost"],
                language=get_language(),
                author=request.user,  # type: ignore[arg-type]
                photo=form.cleaned_data.get("photo"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("participation:process", slug=process.slug)
    return render(request, "participation/propose.html", {"process": process, "form": form})


@login_required
@require_http_methods(["POST"])
def support(request: HttpRequest, slug: str, proposal_id: int) -> HttpResponse:
    """A resident with an account supports a proposal (once; again changes nothing)."""
    process = selectors.process_get(slug=slug)
    proposal = process.proposals.filter(pk=proposal_id).first()
    if proposal is None:
        raise Http404("no such proposal")
    try:
        actions.proposal_support(proposal=proposal, user=request.user)  # type: ignore[arg-type]
    except ValidationError:
        return render(
            request,
            "participation/process.html",
            {
                "process": process,
                "proposals": selectors.proposal_list(process=process),
                "problem": _("Support is closed for this budget."),
            },
            status=400,
        )
    return redirect(f"{request.path.rsplit('/proposals/', 1)[0]}/#proposal-{proposal.pk}")


def _choices_from(request: HttpRequest, process: Process) -> dict[int, int]:
    """The voter's choices from the form, as {proposal id: points}."""
    choices: dict[int, int] = {}
    if process.ballot_type == BallotType.APPROVAL:
        for value in request.POST.getlist("project"):
            if value.isdigit():
                choices[int(value)] = 1
        return choices
    for key, value in request.POST.items():
        if key.startswith("points-") and key[7:].isdigit() and value.strip():
            if not value.strip().isdigit():
                raise actions.BallotRefused("points", _("Points must be whole numbers."))
            if int(value) > 0:
                choices[int(key[7:])] = int(value)
    return choices


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, slug: str) -> HttpResponse:
    """Code → choose → review → cast → receipt, each step a plain form post."""
    process = selectors.process_get(slug=slug)
    if process.phase != Phase.VOTING:
        return render(request, "participation/vote_closed.html", {"process": process})
    if request.method == "GET":
        return render(
            request,
            "participation/vote_code.html",
            {"process": process, "form": CodeForm(process=process)},
        )
    if ratelimit.is_over(request, scope="pb-code-failures", limit=FAILED_CODE_LIMIT):
        return render(
            request,
            "participation/vote_code.html",
            {
                "process": process,
                "form": CodeForm(process=process),
                "problem": _("Too many wrong codes from this connection. Try again in an hour."),
            },
            status=429,
        )
    form = CodeForm(request.POST, process=process)
    if not form.is_valid():
        return render(
            request, "participation/vote_code.html", {"process": process, "form": form}, status=400
        )
    code = form.cleaned_data["code"]
    district: District = form.cleaned_data["district"]
    problem = actions.code_problem(process=process, code=code)
    if problem:
        ratelimit.record(request, scope="pb-code-failures")
        return render(
            request,
            "participation/vote_code.html",
            {"process": process, "form": form, "problem": problem},
            status=400,
        )
    step = request.POST.get("step", "choose")
    projects = list(selectors.ballot_projects(district=district))
    context: dict[str, Any] = {
        "process": process,
        "district": district,
        "code": code,
        "projects": projects,
    }
    try:
        choices = _choices_from(request, process)
    except actions.BallotRefused as refusal:
        return render(
            request,
            "participation/vote_choose.html",
            {**context, "problem": refusal.message, "choices": {}},
            status=400,
        )
    context["choices"] = choices
    if step == "choose" or request.POST.get("change"):
        return render(request, "participation/vote_choose.html", context)
    try:
        chosen = actions.ballot_check(process=process, district=district, choices=choices)
    except actions.BallotRefused as refusal:
        return render(
            request,
            "participation/vote_choose.html",
            {**context, "problem": refusal.message},
            status=400,
        )
    if step == "review":
        total = sum(proposal.cost for proposal in chosen)
        return render(
            request, "participation/vote_review.html", {**context, "chosen": chosen, "total": total}
        )
    try:
        cast = actions.ballot_cast(process=process, district=district, code=code, choices=choices)
    except actions.BallotRefused as refusal:
        template = (
            "participation/vote_code.html"
            if refusal.code in {"used", "unknown_code", "malformed", "closed"}
            else "participation/vote_choose.html"
        )
        return render(
            request,
            template,
            {**context, "form": CodeForm(process=process), "problem": refusal.message},
            status=409 if refusal.code == "used" else 400,
        )
    return render(
        request, "participation/vote_receipt.html", {"process": process, "receipt": cast.receipt}
    )


@never_cache
def receipt(request: HttpRequest, slug: str) -> HttpResponse:
    process = selectors.process_get(slug=slug)
    form = ReceiptForm(request.GET or None)
    context: dict[str, Any] = {"process": process, "form": form, "checked": False}
    if form.is_bound and form.is_valid():
        context["checked"] = True
        context["ballot"] = actions.receipt_check(
            process=process, receipt=form.cleaned_data["receipt"]
        )
    return render(request, "participation/receipt.html", context)


def results(request: HttpRequest, slug: str) -> HttpResponse:
    process = selectors.process_get(slug=slug)
    if process.phase != Phase.RESULTS:
        raise Http404("results are not published yet")
    return render(
        request,
        "participation/results.html",
        {
            "process": process,
            "districts": selectors.results_for(process=process),
            "turnout": selectors.turnout_by_channel(process=process),
        },
    )


def ballots(request: HttpRequest, slug: str) -> HttpResponse:
    process = selectors.process_get(slug=slug)
    if process.phase != Phase.RESULTS or not process.publish_receipt_hashes:
        raise Http404("the ballot list is not published")
    return render(
        request,
        "participation/ballots.html",
        {"process": process, "ballots": selectors.published_ballots(process=process)[:5000]},
    )


def export_pb(request: HttpRequest, slug: str, district_slug: str) -> HttpResponse:
    process = selectors.process_get(slug=slug)
    if process.phase != Phase.RESULTS:
        raise Http404("results are not published yet")
    district = next((d for d in process.districts.all() if d.slug == district_slug), None)
    if district is None:
        raise Http404("no such district")
    response = HttpResponse(
        process_district_pb(district=district), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{process.slug}-{district.slug}.pb"'
    return response


# --- Officers -----------------------------------------------------------------------------------


def _officer(request: HttpRequest) -> None:
    if not user_has_role(user=request.user, role=Role.PB_OFFICER):  # type: ignore[arg-type]
        raise PermissionDenied


@login_required
@never_cache
def officer(request: HttpRequest, slug: str) -> HttpResponse:
    _officer(request)
    process = selectors.process_get(slug=slug)
    problem = None
    if request.method == "POST" and request.POST.get("advance"):
        try:
            actions.process_advance(
                process=process, to_phase=Phase(request.POST["advance"]), actor=request.user
            )  # type: ignore[arg-type]
        except (ValidationError, ValueError) as error:
            problem = " ".join(getattr(error, "messages", [str(error)]))
        else:
            return redirect("participation:officer", slug=slug)
    sheets = PaperSheet.objects.filter(process=process, status=PaperSheet.Status.MISMATCH)
    return render(
        request,
        "participation/officer.html",
        {
            "process": process,
            "mismatched": sheets,
            "problem": problem,
            "next_phase": process.next_phase,
        },
    )


@login_required
@never_cache
def officer_codes(request: HttpRequest, slug: str) -> HttpResponse:
    _officer(request)
    process = selectors.process_get(slug=slug)
    form = CodeBatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch, printed = actions.code_batch_create(
                process=process,
                label=form.cleaned_data["label"],
                size=form.cleaned_data["size"],
                officer=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(
                request,
                "participation/officer_codes_print.html",
                {"process": process, "batch": batch, "codes": printed},
            )
    return render(request, "participation/officer_codes.html", {"process": process, "form": form})


@login_required
@never_cache
def officer_paper(request: HttpRequest, slug: str) -> HttpResponse:
    _officer(request)
    process = selectors.process_get(slug=slug)
    form = PaperEntryForm(request.POST or None, process=process)
    message = None
    sheet_id = request.POST.get("reconcile") if request.method == "POST" else None
    if request.method == "POST" and form.is_valid():
        district = form.cleaned_data["district"]
        try:
            choices = _choices_from(request, process)
            if sheet_id:
                sheet = PaperSheet.objects.get(pk=int(sheet_id), process=process)
                sheet = actions.paper_sheet_reconcile(
                    sheet=sheet, district=district, choices=choices, officer=request.user
                )  # type: ignore[arg-type]
            else:
                sheet = actions.paper_entry_record(
                    process=process,
                    district=district,
                    booth=form.cleaned_data["booth"],
                    sheet_number=form.cleaned_data["sheet_number"],
                    officer=request.user,  # type: ignore[arg-type]
                    choices=choices,
                )
        except actions.BallotRefused as refusal:
            form.add_error(None, refusal.message)
        except (ValidationError, PaperSheet.DoesNotExist, ValueError) as error:
            form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        else:
            message = sheet.get_status_display()
    districts = [
        (district, list(selectors.ballot_projects(district=district)))
        for district in process.districts.all()
    ]
    return render(
        request,
        "participation/officer_paper.html",
        {
            "process": process,
            "form": form,
            "districts": districts,
            "message": message,
            "reconcile": sheet_id or request.GET.get("reconcile", ""),
        },
    )


# --- Council of foreign residents --------------------------------------------------------

SUBSCRIPTION_RATE_PER_HOUR = 10  # per address: follow requests send an email each


def _meeting_url(request: HttpRequest, meeting: Meeting) -> str:
    return request.build_absolute_uri(
        reverse("participation:meeting", args=[meeting.council.slug, meeting.pk])
    )


def council_detail(request: HttpRequest, council_slug: str) -> HttpResponse:
    council = selectors.council_get(slug=council_slug)
    return render(
        request,
        "participation/council.html",
        {
            "council": council,
            "members": selectors.public_members(council=council),
            "upcoming": selectors.upcoming_meetings(council=council),
            "past": selectors.past_meetings(council=council)[:12],
            "tracker": selectors.recommendation_tracker(council=council),
            "follow_form": FollowForm(),
        },
    )


def meeting_detail(request: HttpRequest, council_slug: str, meeting_id: int) -> HttpResponse:
    council = selectors.council_get(slug=council_slug)
    meeting = selectors.meeting_get(council=council, meeting_id=meeting_id)
    return render(
        request,
        "participation/meeting.html",
        {
            "council": council,
            "meeting": meeting,
            "is_past": meeting.ends_at < timezone.now(),
        },
    )


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def council_calendar(request: HttpRequest, council_slug: str) -> HttpResponse:
    council = selectors.council_get(slug=council_slug)
    meetings = selectors.public_meetings(council=council).order_by("starts_at")
    body = meetings_calendar(
        meetings, name=str(council), url_for=lambda meeting: _meeting_url(request, meeting)
    )
    return _ics(body, f"{council.slug}.ics")


def meeting_calendar(request: HttpRequest, council_slug: str, meeting_id: int) -> HttpResponse:
    council = selectors.council_get(slug=council_slug)
    meeting = selectors.meeting_get(council=council, meeting_id=meeting_id)
    body = meetings_calendar(
        [meeting], name=str(council), url_for=lambda item: _meeting_url(request, item)
    )
    return _ics(body, f"{council.slug}-{meeting.pk}.ics")


def recommendation_list(request: HttpRequest, council_slug: str) -> HttpResponse:
    council = selectors.council_get(slug=council_slug)
    status = request.GET.get("status", "")
    if status and status not in RecommendationStatus.values:
        status = ""
    return render(
        request,
        "participation/recommendations.html",
        {
            "council": council,
            "status": status,
            "tracker": selectors.recommendation_tracker(council=council, status=status),
        },
    )


def _may_record_answers(request: HttpRequest) -> bool:
    return request.user.is_authenticated and request.user.has_perm(
        "participation.change_recommendation"
    )


@require_http_methods(["GET", "POST"])
def recommendation_detail(
    request: HttpRequest, council_slug: str, recommendation_id: int
) -> HttpResponse:
    council = selectors.council_get(slug=council_slug)
    recommendation = selectors.recommendation_get(
        council=council, recommendation_id=recommendation_id
    )
    problem = ""
    if request.method == "POST":
        if not _may_record_answers(request):
            raise PermissionDenied
        try:
            actions.recommendation_transition(
                recommendation=recommendation,
                to_status=request.POST.get("status", ""),
                answer=request.POST.get("answer", ""),
                language=get_language(),
                actor=request.user,
            )
        except actions.RecommendationRefused as refusal:
            problem = str(refusal)
        else:
            return redirect("participation:recommendation", council.slug, recommendation.pk)
    next_statuses = [
        (value, RecommendationStatus(value).label)
        for value in RECOMMENDATION_TRANSITIONS[RecommendationStatus(recommendation.status)]
    ]
    response = render(
        request,
        "participation/recommendation.html",
        {
            "council": council,
            "recommendation": recommendation,
            "meeting_is_public": recommendation.meeting.is_public,
            "follow_form": FollowForm(),
            "may_record": _may_record_answers(request),
            "next_statuses": next_statuses,
            "problem": problem,
        },
        status=400 if problem else 200,
    )
    return response


@csrf_exempt  # readers have no cookie, hence no CSRF token: rate limit and honeypot instead
@require_http_methods(["POST"])
def follow(request: HttpRequest, council_slug: str) -> HttpResponse:
    """Ask to follow the council's meetings, or one recommendation (`recommendation`)."""
    council = selectors.council_get(slug=council_slug)
    recommendation = None
    if request.POST.get("recommendation"):
        try:
            recommendation = selectors.recommendation_get(
                council=council, recommendation_id=int(request.POST["recommendation"])
            )
        except ValueError:
            raise Http404("no such recommendation") from None
    form = FollowForm(request.POST)
    if ratelimit.hit(request, scope="council-follow", limit=SUBSCRIPTION_RATE_PER_HOUR):
        return render(
            request, "participation/follow_limited.html", {"council": council}, status=429
        )
    if not form.is_valid():
        return render(
            request,
            "participation/follow_invalid.html",
            {"council": council, "recommendation": recommendation, "follow_form": form},
            status=400,
        )
    if not form.cleaned_data["website"]:  # the honeypot filled: answer the same, do nothing
        actions.subscription_request(
            email=form.cleaned_data["email"],
            language=form.cleaned_data["language"],
            council=None if recommendation else council,
            recommendation=recommendation,
        )
    return render(
        request,
        "participation/follow_sent.html",
        {"council": council, "recommendation": recommendation},
    )


@csrf_exempt  # no cookie; the signed link is the only key
@never_cache
@require_http_methods(["GET", "POST"])
def subscription_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the confirmation email: a page with one button (mail scanners that
    open links do not confirm anything)."""
    if request.method == "POST":
        subscription = actions.subscription_confirm(token=token)
        if subscription is None:
            return render(request, "participation/follow_bad_link.html", status=404)
        return render(
            request, "participation/follow_confirmed.html", {"subscription": subscription}
        )
    return render(request, "participation/follow_confirm.html", {"token": token})


@csrf_exempt  # no cookie; the signed link is the only key
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        if not actions.subscription_cancel(token=token):
            return render(request, "participation/follow_bad_link.html", status=404)
        return render(request, "participation/unsubscribed.html")
    return render(request, "participation/unsubscribe.html", {"token": token})
