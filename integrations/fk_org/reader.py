"""Reading an FK Organisation export: bytes in, plain dataclasses out, or a SourceError
that says in Danish what is wrong with the file.

The export is JSON in the shape OS2sync registers units and users with in FK
Organisation (``OrgUnits`` with ``Uuid``, ``Name``, ``ParentOrgUnitUuid``, ``Ean``,
``LOSId`` ...; ``Users`` with ``Uuid``, ``UserId``, ``Email``, ``Person.Name`` and
``Positions[].OrgUnitUuid``); keys are read case-insensitively. Anything else (XML, a
spreadsheet, a file too large or too deeply nested, duplicate or unknown ids, a cycle in
the tree) is refused as a whole: a half-understood organisation tree would close or move
the wrong units.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..runs import SourceError

# A municipality's export is a few MB; far beyond that it is not an export.
MAX_BYTES = 50 * 1024 * 1024
# The format nests four levels (file → Users → user → Positions → position); anything
# much deeper is not an export, and deep nesting is how parsers are made to fall over.
MAX_DEPTH = 8
# At most this many problems are named in the message (the rest are counted).
MAX_PROBLEMS = 10

NAME_MAX = 200
INACTIVE_STATUSES = {"inactive", "inaktiv", "deleted", "slettet", "closed", "lukket"}
# The export's own spelling of the keys, for the messages (keys are read in any case).
KEY_NAMES = {
    "uuid": "Uuid", "name": "Name", "parentorgunituuid": "ParentOrgUnitUuid", "ean": "Ean",
    "losid": "LOSId", "userid": "UserId", "email": "Email", "phonenumber": "PhoneNumber",
    "orgunituuid": "OrgUnitUuid",
}
_EAN = re.compile(r"^[0-9]{13}$")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


@dataclass(frozen=True)
class Unit:
    uuid: uuid.UUID
    name: str
    parent_uuid: uuid.UUID | None
    ean: str = ""
    los_id: str = ""
    inactive: bool = False


@dataclass(frozen=True)
class Position:
    name: str
    unit_uuid: uuid.UUID


@dataclass(frozen=True)
class User:
    uuid: uuid.UUID
    name: str
    user_id: str = ""
    email: str = ""
    phone: str = ""
    positions: tuple[Position, ...] = ()
    inactive: bool = False

    @property
    def primary(self) -> Position | None:
        """The first position: OS2sync lists the primary one first."""
        return self.positions[0] if self.positions else None


@dataclass
class Export:
    units: dict[uuid.UUID, Unit] = field(default_factory=dict)  # parents before children
    users: dict[uuid.UUID, User] = field(default_factory=dict)

    def subtree(self, root: uuid.UUID) -> Export:
        """Only the unit `root` and the units below it, and the users with a position
        there (positions elsewhere are dropped)."""
        if root not in self.units:
            raise SourceError(_("Roden %(uuid)s (indstillingen root_uuid) findes ikke i "
                                "eksporten.") % {"uuid": root})
        kept: set[uuid.UUID] = {root}
        for unit in self.units.values():  # parents come first
            if unit.parent_uuid in kept:
                kept.add(unit.uuid)
        units = {key: unit for key, unit in self.units.items() if key in kept}
        users = {}
        for key, user in self.users.items():
            positions = tuple(p for p in user.positions if p.unit_uuid in kept)
            if positions:
                users[key] = User(uuid=user.uuid, name=user.name, user_id=user.user_id,
                                  email=user.email, phone=user.phone, positions=positions,
                                  inactive=user.inactive)
        return Export(units=units, users=users)


class _Problems:
    def __init__(self):
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")

    def raise_if_any(self) -> None:
        if not self.items:
            return
        shown = self.items[:MAX_PROBLEMS]
        more = len(self.items) - len(shown)
        text = _("Eksportfilen kan ikke læses: %(problems)s") % {"problems": "; ".join(shown)}
        if more:
            text += " " + _("(og %(count)d problemer mere)") % {"count": more}
        raise SourceError(text)


def parse(content: bytes) -> Export:
    """The export in `content`, checked through; SourceError if it is not one."""
    data = _load_json(content)
    if not isinstance(data, dict):
        raise SourceError(_("Eksportfilen skal være et JSON-objekt med OrgUnits og Users."))
    data = _lower_keys(data)
    raw_units, raw_users = data.get("orgunits"), data.get("users", [])
    if not isinstance(raw_units, list) or not isinstance(raw_users, list):
        raise SourceError(_("Eksportfilen skal have listen OrgUnits (og evt. listen Users)."))
    problems = _Problems()
    units = _read_units(raw_units, problems)
    problems.raise_if_any()
    ordered = _parents_first(units, problems)
    problems.raise_if_any()
    users = _read_users(raw_users, problems)
    problems.raise_if_any()
    return Export(units={unit.uuid: unit for unit in ordered}, users=users)


def _load_json(content: bytes):
    if len(content) > MAX_BYTES:
        raise SourceError(_("Eksportfilen er for stor (højst %(mb)d MB).") % {
            "mb": MAX_BYTES // (1024 * 1024)})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(_("Eksportfilen er ikke en tekstfil i UTF-8.")) from None
    start = text.lstrip()[:1]
    if start == "<":
        # An XML export is not read (no parser sees it: nothing to exploit either).
        raise SourceError(_("Eksportfilen er XML; kitos læser FK Organisation-eksporten "
                            "som JSON (se vejledningen)."))
    if start not in ("{", "["):
        raise SourceError(_("Eksportfilen er ikke JSON."))
    if _depth(text) > MAX_DEPTH:
        raise SourceError(_("Eksportfilen er dybere indlejret end en eksport kan være."))
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise SourceError(_("Eksportfilen er ikke gyldig JSON.")) from None


def _depth(text: str) -> int:
    """How deeply the JSON nests, counted before parsing it (strings left out)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _lower_keys(item: dict) -> dict:
    return {str(key).lower(): value for key, value in item.items()}


def _text(item: dict, key: str, where: str, problems: _Problems, *, max_length: int = 200,
          required: bool = False) -> str:
    value = item.get(key)
    if value is None:
        value = ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)  # LOSId and EAN are sometimes numbers
    if not isinstance(value, str):
        problems.add(where, _("%(key)s skal være tekst") % {"key": KEY_NAMES.get(key, key)})
        return ""
    value = value.strip()
    if required and not value:
        problems.add(where, _("%(key)s mangler") % {"key": KEY_NAMES.get(key, key)})
    elif len(value) > max_length:
        problems.add(where, _("%(key)s er længere end %(max)d tegn") % {
            "key": KEY_NAMES.get(key, key), "max": max_length})
    return value


def _uuid(item: dict, key: str, where: str, problems: _Problems, *, required: bool):
    value = item.get(key)
    if value in (None, ""):
        if required:
            problems.add(where, _("%(key)s mangler") % {"key": KEY_NAMES.get(key, key)})
        return None
    try:
        return uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        problems.add(where, _("%(key)s er ikke et UUID") % {"key": KEY_NAMES.get(key, key)})
        return None


def _inactive(item: dict) -> bool:
    status = item.get("status")
    return item.get("inactive") is True or (
        isinstance(status, str) and status.strip().lower() in INACTIVE_STATUSES)


def _read_units(raw_units: list, problems: _Problems) -> dict[uuid.UUID, Unit]:
    units: dict[uuid.UUID, Unit] = {}
    los_ids: dict[str, uuid.UUID] = {}
    for index, raw in enumerate(raw_units, start=1):
        where = _("enhed nr. %(index)d") % {"index": index}
        if not isinstance(raw, dict):
            problems.add(where, _("skal være et objekt"))
            continue
        item = _lower_keys(raw)
        key = _uuid(item, "uuid", where, problems, required=True)
        name = _text(item, "name", where, problems, max_length=NAME_MAX, required=True)
        parent = _uuid(item, "parentorgunituuid", where, problems, required=False)
        ean = _text(item, "ean", where, problems, max_length=13)
        los_id = _text(item, "losid", where, problems, max_length=50)
        if ean and not _EAN.match(ean):
            problems.add(where, _("EAN skal have 13 cifre"))
        if key is None:
            continue
        where = f"{name or key}"
        if key in units:
            problems.add(where, _("UUID'et %(uuid)s står der flere gange") % {"uuid": key})
            continue
        if parent == key:
            problems.add(where, _("enheden ligger under sig selv"))
        if los_id:
            if los_id in los_ids:
                problems.add(where, _("LOS-id'et %(id)s står der flere gange") % {"id": los_id})
            los_ids[los_id] = key
        units[key] = Unit(uuid=key, name=name, parent_uuid=parent, ean=ean, los_id=los_id,
                          inactive=_inactive(item))
    return units


def _parents_first(units: dict[uuid.UUID, Unit], problems: _Problems) -> list[Unit]:
    """The units with every parent before its children. A parent that is not in the file
    is allowed here (sync.py checks that kitos knows it already); a cycle is not."""
    ordered: list[Unit] = []
    state: dict[uuid.UUID, str] = {}
    for start in units:
        # Iterative: a long chain of units must not exhaust Python's stack.
        trail: list[uuid.UUID] = []
        current = start
        while current in units and state.get(current) is None:
            state[current] = "visiting"
            trail.append(current)
            current = units[current].parent_uuid
        if current in units and state.get(current) == "visiting":
            problems.add(units[current].name, _("enhederne danner en ring (en enhed ligger "
                                                "under sin egen underenhed)"))
            return []
        for key in reversed(trail):
            state[key] = "done"
            ordered.append(units[key])
    return ordered


def _read_users(raw_users: list, problems: _Problems) -> dict[uuid.UUID, User]:
    users: dict[uuid.UUID, User] = {}
    for index, raw in enumerate(raw_users, start=1):
        where = _("bruger nr. %(index)d") % {"index": index}
        if not isinstance(raw, dict):
            problems.add(where, _("skal være et objekt"))
            continue
        item = _lower_keys(raw)
        key = _uuid(item, "uuid", where, problems, required=True)
        user_id = _text(item, "userid", where, problems, max_length=200)
        email = _text(item, "email", where, problems, max_length=254)
        phone = _text(item, "phonenumber", where, problems, max_length=40)
        person = item.get("person") or {}
        if not isinstance(person, dict):
            problems.add(where, _("Person skal være et objekt"))
            person = {}
        # The CPR number is never read: kitos has no use for it.
        name = _text(_lower_keys(person), "name", where, problems, max_length=NAME_MAX)
        name = name or user_id
        if not name:
            problems.add(where, _("Person.Name og UserId mangler begge"))
        raw_positions = item.get("positions") or []
        if not isinstance(raw_positions, list):
            problems.add(where, _("Positions skal være en liste"))
            raw_positions = []
        positions = []
        for raw_position in raw_positions:
            if not isinstance(raw_position, dict):
                problems.add(where, _("en stilling skal være et objekt"))
                continue
            position = _lower_keys(raw_position)
            unit = _uuid(position, "orgunituuid", where, problems, required=True)
            title = _text(position, "name", where, problems, max_length=200)
            if unit is not None:
                positions.append(Position(name=title, unit_uuid=unit))
        if key is None:
            continue
        if key in users:
            problems.add(where, _("UUID'et %(uuid)s står der flere gange") % {"uuid": key})
            continue
        users[key] = User(uuid=key, name=name, user_id=user_id, email=email, phone=phone,
                          positions=tuple(positions), inactive=_inactive(item))
    return users
