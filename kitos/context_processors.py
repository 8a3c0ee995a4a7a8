"""Template context for every page."""

from __future__ import annotations

from .tenancy import ADMIN, EDITOR, active_organisation, has_role, user_organisations


def organisations(request) -> dict:
    """The user's organisations and the active one, for the header's switcher, and
    whether the user may edit in (administer) the active one: the menu offers Import
    (the connectors) only then.
    That answer is a callable, so the query runs only on pages that ask."""
    organisation = active_organisation(request)

    def can_edit_active_organisation() -> bool:
        return organisation is not None and has_role(
            request.user, organisation.pk, at_least=EDITOR
        )

    def can_administer_active_organisation() -> bool:
        return organisation is not None and has_role(
            request.user, organisation.pk, at_least=ADMIN
        )

    return {
        "can_administer_active_organisation": can_administer_active_organisation,
        "user_organisations": user_organisations(request),
        "active_organisation": organisation,
        "can_edit_active_organisation": can_edit_active_organisation,
    }
