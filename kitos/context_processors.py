"""Template context for every page."""

from __future__ import annotations

from contracts.models import AlertDelivery

from .tenancy import active_organisation, user_organisations


def unread_alerts(request) -> dict:
    """The number of the user's unread alerts for the header (one query; none for
    anonymous visitors)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_alert_count": 0}
    return {"unread_alert_count": AlertDelivery.objects.for_user(user).unread().count()}


def organisations(request) -> dict:
    """The user's organisations and the active one, for the header's switcher."""
    return {
        "user_organisations": user_organisations(request),
        "active_organisation": active_organisation(request),
    }
