from __future__ import annotations

from django.http import HttpRequest


def office(request: HttpRequest) -> dict[str, bool]:
    """Whether the header shows the office's screens (officers) or forwarded reports
    (organisation admins). Anonymous readers cost no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from discrimination import selectors

    return {
        "is_discrimination_officer": selectors.is_officer(user=user),
        "has_forwarded_reports": selectors.forwarded_for(user=user).exists(),
    }
