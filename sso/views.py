"""What both protocols show when a login fails: the login page with the reason."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .providers import Provider


def login_failed(request, provider: Provider | None):
    """Back to the login page with the reason ``sso_login`` gave, or a general one.
    The local login stays on the page, so a failing IdP never locks the admin out."""
    reason = getattr(request, "sso_refusal", "") or _(
        "Log ind med %(name)s mislykkedes. Prøv igen, eller kontakt din administrator."
    ) % {"name": provider.display_name if provider else "SSO"}
    messages.error(request, reason)
    return redirect("login")
