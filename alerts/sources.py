"""The registry of deadline sources: how apps above alerts (governance's benefits ...)
put their dates through the same alert machinery as contracts and data processing
agreements — the organisation's rules, one delivery per rule × object × deadline ×
recipient, the daily digest e-mail and the in-app notifications.

alerts must not import the apps above it, so they register a ``DeadlineSource`` in their
``AppConfig.ready()``. The scan asks each source, once per run, for the deadlines of its
kinds within reach of the active rules (``collect(windows=..., today=...)``), with the
recipients already resolved; a deadline without recipients goes to the organisation's
admins, marked ``without_owner``, like a contract nobody holds a role on.

A source must answer in a fixed number of queries, whatever the number of objects.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

# (person id or None, e-mail, user id or None): who an alert goes to.
Recipient = tuple[int | None, str, int | None]
# kind -> (first date, last date): the deadlines within reach of the kind's active rules.
Windows = Mapping[str, tuple[datetime.date, datetime.date]]


@dataclass(frozen=True)
class SourceDeadline:
    """One watched date of one object, found by a source."""

    organisation_id: int
    content_type_id: int
    object_id: int
    object_repr: str
    kind: str
    deadline: datetime.date
    recipients: tuple[Recipient, ...] = ()


@dataclass(frozen=True)
class DeadlineSource:
    """A kind of deadline an app above alerts contributes.

    `kinds`: the AlertKinds it watches (each the kind of some AlertRule).
    `collect(windows=, today=)`: its deadlines within the windows (only kinds with
    active rules appear in `windows`).
    `decisions`: per kind, what the recipient is asked to do (the digest e-mail's line).
    `person_deadlines(person=, today=, end=)`: optional, the person's own deadlines of
    this source for *Min side* and the calendar feed (``alerts.my_deadlines.Due`` rows,
    a fixed number of queries); `person_kinds` names their kinds: kind -> (label msgid,
    the calendar UID's suffix).
    """

    name: str
    kinds: frozenset[str]
    collect: Callable[..., Iterable[SourceDeadline]]
    decisions: Mapping[str, str] = field(default_factory=dict)
    person_deadlines: Callable[..., Iterable] | None = None
    person_kinds: Mapping[str, tuple[str, str]] = field(default_factory=dict)


_SOURCES: dict[str, DeadlineSource] = {}


def register_deadline_source(source: DeadlineSource) -> None:
    """Register (or replace, by name: ready() may run twice in tests) a source."""
    _SOURCES[source.name] = source


def deadline_sources() -> list[DeadlineSource]:
    return list(_SOURCES.values())


def source_decision(kind: str) -> str | None:
    """What a registered source asks the recipient of an alert of `kind` to do."""
    for source in _SOURCES.values():
        if kind in source.decisions:
            return source.decisions[kind]
    return None


def source_person_kind(kind: str) -> tuple[str, str] | None:
    """(label msgid, UID suffix) of a person deadline kind a source declares."""
    for source in _SOURCES.values():
        if kind in source.person_kinds:
            return source.person_kinds[kind]
    return None
