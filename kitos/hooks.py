"""How a lower layer learns about a higher one without importing it: registries that
the apps fill from their ``AppConfig.ready()``. The core and the domain apps read them;
they never name the app that fills them.

Each registry is keyed by model label (``"contracts.Contract"``) or by a name the lower
layer chose, so a registration reads as "the alerts app adds to the contract page".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

# (model label, tab name) -> providers of extra context for that tab of the model's
# detail page: provider(user, obj) -> dict. E.g. the alerts app adds the alert log to
# the overview tab of contracts and data processing agreements.
_detail_context: dict[tuple[str, str], list[Callable]] = defaultdict(list)

# Providers of the gaps (missing owner, missing agreement, ...) shown above an
# object's tabs: provider(obj) -> list of (rule, fix url). Filled by the gdpr app.
_object_gaps: list[Callable] = []


def add_detail_context(model_label: str, tab: str, provider: Callable) -> None:
    """Let `provider(user, obj)` add to the context of `tab` on `model_label`'s pages."""
    if provider not in _detail_context[(model_label, tab)]:
        _detail_context[(model_label, tab)].append(provider)


def detail_context(user, obj, tab: str) -> dict:
    context: dict = {}
    for provider in _detail_context.get((obj._meta.label, tab), ()):
        context.update(provider(user, obj))
    return context


# Panels that higher apps add to a lower app's detail page: model label ->
# [(tab, {slot: [template, ...]})]. A panel goes on a tab the page has (at the place its
# template names by slot) or on a tab of its own that the first panel brings along. E.g.
# a unit's "Systemer og kontrakter" tab: portfolio adds the systems, contracts the
# contracts; the alerts app adds the subscribe button and alert log to a contract.
_detail_tabs: dict[str, list[tuple[object, dict[str, list[str]]]]] = defaultdict(list)


def add_detail_panel(
    model_label: str, tab, *, template: str, provider: Callable, slot: str = "main"
) -> None:
    """Show `template` with the context of `provider(user, obj)` on `tab` of
    `model_label`'s detail page, at `slot`: where the tab's template includes the
    panels of that slot (``kitos/_panels.html`` shows slot "main" of a tab the page does
    not declare itself)."""
    tabs = _detail_tabs[model_label]
    slots = next((shown for existing, shown in tabs if existing.slug == tab.slug), None)
    if slots is None:
        slots = {}
        tabs.append((tab, slots))
    templates = slots.setdefault(slot, [])
    if template not in templates:
        templates.append(template)
    add_detail_context(model_label, tab.name, provider)


def added_tabs(model) -> list:
    return [tab for tab, _slots in _detail_tabs.get(model._meta.label, ())]


def panel_templates(obj, tab) -> dict[str, list[str]]:
    """Slot -> the templates other apps show there on `tab` of `obj`'s page."""
    for existing, slots in _detail_tabs.get(obj._meta.label, ()):
        if existing.slug == tab.slug:
            return {slot: list(templates) for slot, templates in slots.items()}
    return {}


# Links to other views of an object that higher apps add to its detail page's head:
# model label -> [(label, url_of)], url_of(user, obj) -> url or "" (no link). E.g. the
# gdpr app links a contract, a system usage and a processing activity to their chain.
_object_links: dict[str, list[tuple[object, Callable]]] = defaultdict(list)


def add_object_link(model_label: str, label, url_of: Callable) -> None:
    if all(existing is not url_of for _label, existing in _object_links[model_label]):
        _object_links[model_label].append((label, url_of))


def object_links(user, obj) -> list[tuple[str, str]]:
    """(label, url) of the links other apps add to `obj`'s page."""
    links = []
    for label, url_of in _object_links.get(obj._meta.label, ()):
        url = url_of(user, obj)
        if url:
            links.append((label, url))
    return links


def add_object_gaps(provider: Callable) -> None:
    if provider not in _object_gaps:
        _object_gaps.append(provider)


def object_gaps(obj) -> list:
    return [gap for provider in _object_gaps for gap in provider(obj)]


# Loaders of standard reference data (role types, data categories, KLE, ...), run by
# `manage.py load_reference_data` in registration order: loader() -> a note or None.
_reference_loaders: list[Callable[[], str | None]] = []


def add_reference_loader(loader: Callable[[], str | None]) -> None:
    if loader not in _reference_loaders:
        _reference_loaders.append(loader)


def load_reference_data() -> list[str]:
    """Run every registered loader (each is idempotent); their notes."""
    return [note for loader in _reference_loaders if (note := loader())]


# What the page header shows per organisation, read in the same query as the user's
# organisations (kitos.tenancy.user_organisations): name -> factory(user) -> a query
# expression over the organisation's row. E.g. the alerts app counts the user's unread
# alerts in each organisation, so the header's badge costs no query of its own.
_organisation_annotations: dict[str, Callable] = {}


def add_organisation_annotation(name: str, factory: Callable) -> None:
    _organisation_annotations[name] = factory


def organisation_annotations(user) -> dict:
    return {name: factory(user) for name, factory in _organisation_annotations.items()}


# Listeners of the audit log: fn(entries) called with every list of entries the audit
# log has just written (kitos.audit.record_change / record_changes), inside the writer's
# transaction, with their primary keys set. E.g. the webhooks app queues its outgoing
# events there (a transactional outbox: they commit or roll back with the change).
_audit_listeners: list[Callable] = []


def add_audit_listener(listener: Callable) -> None:
    if listener not in _audit_listeners:
        _audit_listeners.append(listener)


def audit_entries_written(entries) -> None:
    """Tell every listener of the entries just saved (one list per write)."""
    if not entries:
        return
    for listener in _audit_listeners:
        listener(entries)
