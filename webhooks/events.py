"""Which events there are and which an audit entry makes.

`<kind>.created|updated|deleted` for every model the API serves (kind = the API's name
of the model, e.g. ``contract``, ``systemusage``), ``deadline.decided`` when a contract's
deadline decision is made or changed, ``gap.opened`` / ``gap.closed`` from the gap scan
and ``ping`` (the test event)."""

from __future__ import annotations

import functools

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from kitos.models import AuditAction

ACTION_EVENTS = {
    AuditAction.CREATE: "created",
    AuditAction.UPDATE: "updated",
    AuditAction.DELETE: "deleted",
}
DEADLINE_DECIDED = "deadline.decided"
GAP_OPENED = "gap.opened"
GAP_CLOSED = "gap.closed"
PING = "ping"
SPECIAL_EVENTS = {
    DEADLINE_DECIDED: _("En frist er besluttet (kontraktens fristbeslutning oprettet/ændret)"),
    GAP_OPENED: _("En mangel er opstået (fx system uden systemejer)"),
    GAP_CLOSED: _("En mangel er lukket"),
}
DEADLINE_DECISION_LABEL = "contracts.DeadlineDecision"


@functools.cache
def api_routes() -> dict[type, tuple[str, type]]:
    """Model -> (kind, viewset) of every model served one by one by the API."""
    from kitos.api.registry import ROUTES

    routes = {}
    for _prefix, viewset, basename in ROUTES:
        serializer = getattr(viewset, "serializer_class", None)
        model = getattr(getattr(serializer, "Meta", None), "model", None)
        if model is None or not hasattr(viewset, "retrieve") or model in routes:
            continue
        routes[model] = (basename, viewset)
    return routes


def kind_of(model) -> str | None:
    route = api_routes().get(model)
    return route[0] if route else None


def event_choices() -> list[tuple[str, str]]:
    """(event type, label) of every event a subscription can choose."""
    choices = []
    for model, (kind, _viewset) in sorted(api_routes().items(), key=lambda item: item[1][0]):
        name = str(model._meta.verbose_name)
        for action, label in ((AuditAction.CREATE, _("oprettet")),
                              (AuditAction.UPDATE, _("ændret")),
                              (AuditAction.DELETE, _("slettet"))):
            choices.append((f"{kind}.{ACTION_EVENTS[action]}", f"{name.capitalize()} {label}"))
    choices.extend((key, str(label)) for key, label in SPECIAL_EVENTS.items())
    return choices


def event_types_of(entry) -> list[str]:
    """The events an audit entry makes (none for a model the API does not serve)."""
    suffix = ACTION_EVENTS.get(entry.action)
    if suffix is None:
        return []
    model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
    kind = kind_of(model)
    if kind is None:
        return []
    types = [f"{kind}.{suffix}"]
    if model._meta.label == DEADLINE_DECISION_LABEL and entry.action != AuditAction.DELETE:
        types.append(DEADLINE_DECIDED)
    return types
