"""Template context of every page: who the user is at work, for the header."""

from __future__ import annotations

from functools import cache

from kitos.tenancy import active_organisation

from . import work_scope


def home_forvaltning(request) -> dict:
    """The user's home forvaltning in the organisation they work in (None without
    one). A callable, so its one query runs only on pages whose header shows it, and
    only once."""

    @cache
    def home():
        return work_scope.home_forvaltning_for(request, active_organisation(request))

    return {"home_forvaltning": home}
