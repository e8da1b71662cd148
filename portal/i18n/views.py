"""Translators' screens: the dashboard, a language's paragraphs, the side-by-side
editor, and PO/XLIFF export and import."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal.i18n import actions, files, selectors
from portal.i18n.forms import ImportForm, SegmentForm
from portal.i18n.models import TranslationSegment

SEGMENTS_PER_PAGE = 50
State = TranslationSegment.State


def _require_translator(request: HttpRequest, language: str) -> None:
    if not selectors.may_translate(user=request.user, language=language):
        raise PermissionDenied


@login_required
@never_cache
def dashboard(request: HttpRequest) -> HttpResponse:
    languages = selectors.assigned_languages(user=request.user)
    if not languages:
        raise PermissionDenied
    rows = []
    for language in languages:
        counts = selectors.language_coverage(language=language)
        rows.append(
            {
                "language": language,
                "counts": counts,
                "percent": selectors.coverage_percent(counts),
                "reviewer": selectors.may_review(user=request.user, language=language),
            }
        )
    return render(
        request,
        "i18n/dashboard.html",
        {
            "rows": rows,
            "states": [State.MISSING, State.OUTDATED, State.MACHINE, State.NEEDS_REVIEW],
        },
    )


@login_required
@never_cache
def segment_list(request: HttpRequest, language: str) -> HttpResponse:
    _require_translator(request, language)
    state = request.GET.get("state", "")
    if state not in State.values:
        state = ""
    object_key = request.GET.get("object", "")
    segments = selectors.segment_list(language=language, state=state, object_key=object_key)
    page = Paginator(segments, SEGMENTS_PER_PAGE).get_page(request.GET.get("page"))
    labels = {}
    for segment in page:
        key = (segment.source.content_type_id, segment.source.object_id)
        if key not in labels:
            labels[key] = selectors.object_label(segment.source)
        segment.object_label = labels[key]
    return render(
        request,
        "i18n/segment_list.html",
        {
            "language": language,
            "page": page,
            "state": state,
            "object_key": object_key,
            "states": State.choices,
            "import_form": ImportForm(),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def segment_edit(request: HttpRequest, language: str, segment_id: int) -> HttpResponse:
    _require_translator(request, language)
    segment = get_object_or_404(
        TranslationSegment.objects.select_related("source", "source__content_type"),
        pk=segment_id,
        language=language,
    )
    problem = ""
    form = SegmentForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                if "approve" in request.POST:
                    actions.translation_approve(
                        segment=segment, user=request.user, text=form.cleaned_data["text"]
                    )
                else:
                    actions.translation_propose(
                        segment=segment, user=request.user, text=form.cleaned_data["text"]
                    )
            except ValidationError as error:
                problem = " ".join(error.messages)
            else:
                return _after_save(segment)
        else:
            problem = _("Write the translation before saving it.")
    current = segment.source.source_hash
    draft = segment.draft_text if segment.draft_hash == current else ""
    machine = segment.machine_text if segment.machine_hash == current else ""
    if not form.is_bound:
        form = SegmentForm(initial={"text": draft or segment.published_text or machine})
    return render(
        request,
        "i18n/segment_edit.html",
        {
            "language": language,
            "segment": segment,
            "object_label": selectors.object_label(segment.source),
            "draft": draft,
            "machine": machine,
            "memory": selectors.memory_match(segment=segment),
            "earlier_draft": segment.draft_text if segment.draft_text and not draft else "",
            "form": form,
            "problem": problem,
            "reviewer": selectors.may_review(user=request.user, language=language),
        },
        status=409 if problem else 200,
    )


def _following(segment: TranslationSegment) -> TranslationSegment | None:
    """The next paragraph of the same object still to translate, for a translator
    working through an article in order."""
    return (
        TranslationSegment.objects.filter(
            language=segment.language,
            source__content_type_id=segment.source.content_type_id,
            source__object_id=segment.source.object_id,
        )
        .exclude(state=State.APPROVED)
        .exclude(pk=segment.pk)
        .exclude(state=State.NEEDS_REVIEW)
        .order_by("source__field", "source__position")
        .first()
    )


def _after_save(segment: TranslationSegment) -> HttpResponse:
    following = _following(segment)
    if following is not None:
        return redirect("i18n:segment-edit", language=segment.language, segment_id=following.pk)
    source = segment.source
    url = reverse("i18n:segment-list", args=[segment.language])
    return redirect(f"{url}?object={source.content_type_id}:{source.object_id}")


@login_required
@never_cache
def export(request: HttpRequest, language: str, kind: str) -> HttpResponse:
    _require_translator(request, language)
    segments = list(selectors.pending_segments(language=language))
    if kind == "po":
        body = files.po_export(language=language, segments=segments)
        content_type, extension = "text/x-gettext-translation; charset=utf-8", "po"
    elif kind == "xliff":
        body = files.xliff_export(language=language, segments=segments)
        content_type, extension = "application/xliff+xml; charset=utf-8", "xlf"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="portal-{language}.{extension}"'
    return response


@login_required
@never_cache
def import_file(request: HttpRequest, language: str) -> HttpResponse:
    _require_translator(request, language)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ImportForm(request.POST, request.FILES)
    problem = ""
    saved = 0
    if not form.is_valid():
        problem = " ".join(message for errors in form.errors.values() for message in errors)
    else:
        upload = form.cleaned_data["file"]
        data = upload.read()
        reader = files.po_read if upload.name.lower().endswith(".po") else files.xliff_read
        tool = "po" if reader is files.po_read else "xliff"
        try:
            proposals = reader(language=language, data=data)
            saved = actions.translations_import(
                language=language, user=request.user, proposals=proposals, tool=tool
            )
        except (files.FileRefused, ValidationError) as error:
            problem = (
                str(error) if isinstance(error, files.FileRefused) else " ".join(error.messages)
            )
    return render(
        request,
        "i18n/import_result.html",
        {"language": language, "problem": problem, "saved": saved},
        status=400 if problem else 200,
    )
