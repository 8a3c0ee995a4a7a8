"""API permissions. (Its own module: DRF imports it while loading its settings.)"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions


class TokenScopePermission(permissions.BasePermission):
    """Authenticated users read; writing needs a session or a read-write token. Whether
    the user may write in the object's organisation is the services' decision."""

    message = _("Denne API-nøgle må kun læse.")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        token = request.auth
        return token is None or getattr(token, "can_write", False)
