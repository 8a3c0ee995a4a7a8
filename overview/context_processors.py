"""Template context of every page: who the user is at work, for the header."""

from __future__ import annotations

from functools import cache

from kitos.tenancy import active_organisation

from . import work_scope


def home_forvaltning(request) -> dict:
    """The user's home forvaltning in the organisation they work in (None without
    one). A callable, so the one or two queries run only on pages whose header shows
    it, and only once."""

    @cache
    def home():
        organisation = active_organisation(request)
        return work_scope.home_forvaltning(work_scope.own_person(request.user, organisation))

    return {"home_forvaltning": home}
