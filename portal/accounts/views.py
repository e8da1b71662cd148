"""The second-factor page: set up an authenticator app, or type its code after the
password. Reached by the SecondFactorMiddleware's redirect after signing in."""

from __future__ import annotations

import logging
from base64 import b32encode

import segno
from django import forms
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.accounts import actions
from portal.accounts.selectors import second_factor_device

logger = logging.getLogger(__name__)


class CodeForm(forms.Form):
    # The input itself is written in accounts/_code_form.html (autocomplete, errors).
    code = forms.CharField(label=_("Code"), max_length=20)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    target = _next(request)
    if user.is_verified():
        return HttpResponseRedirect(target)
    device = second_factor_device(user=user)
    form = CodeForm(request.POST or None)
    context: dict[str, object] = {"form": form, "next": target}
    if device is not None:
        if request.method == "POST" and form.is_valid():
            outcome = actions.second_factor_verify(request=request, token=form.cleaned_data["code"])
            if outcome is actions.SecondFactorOutcome.VERIFIED:
                return HttpResponseRedirect(target)
            logger.warning("second factor: %s code", outcome.value)
            form.add_error(
                "code",
                _("Too many wrong codes in a row. Wait a minute, then try the newest code.")
                if outcome is actions.SecondFactorOutcome.THROTTLED
                else _(
                    "This code is not right. Type the code your app shows now, or a backup code."
                ),
            )
        return render(request, "accounts/two_factor_verify.html", context)

    enrolment = actions.second_factor_enrolment(user=user)
    if request.method == "POST" and form.is_valid():
        codes = actions.second_factor_confirm(request=request, token=form.cleaned_data["code"])
        if codes is not None:
            return render(
                request, "accounts/two_factor_backup_codes.html", {"codes": codes, "next": target}
            )
        form.add_error("code", _("This code is not right. Type the code your app shows now."))
    secret = b32encode(enrolment.bin_key).decode("ascii").rstrip("=")
    context.update(
        {
            "qr_svg": mark_safe(  # noqa: S308 - SVG made by segno from our own URI
                segno.make(enrolment.config_url, error="m").svg_inline(
                    scale=4, title=str(_("QR code for your authenticator app"))
                )
            ),
            "secret": _grouped(secret),
        }
    )
    return render(request, "accounts/two_factor_setup.html", context)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out, before or after the second factor: the session is deleted on the server."""
    logout(request)
    return HttpResponseRedirect(reverse("home"))
