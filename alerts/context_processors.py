"""Template context of every page: the unread alert count in the header."""

from __future__ import annotations

from .models import AlertDelivery


def unread_alerts(request) -> dict:
    """The number of the user's unread alerts for the header (one query; none for
    anonymous visitors)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_alert_count": 0}
    return {"unread_alert_count": AlertDelivery.objects.for_user(user).unread().count()}
