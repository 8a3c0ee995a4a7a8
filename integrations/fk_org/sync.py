"""Bringing an FK Organisation export into an organisation's unit tree and persons.

One code path for preview and apply: the plan is written through roles.services (the
same audited writes as the UI and the Excel import) inside one transaction, which a
preview rolls back, so a preview lists exactly what an apply would change.

Rules (README "FK Organisation"):
- Units are mapped by their FK UUID (ExternalId, source "fk_org"). An unmapped unit is
  matched, once, to an open unmapped kitos unit of the same name under the same parent;
  otherwise it is created. Name, parent (a move), EAN and LOS id (kitos' "lokal kode")
  follow the export; an empty EAN or LOS id in the export leaves kitos' value alone.
- A mapped unit missing from the export, or marked inactive in it, is closed
  (``closed_on``), never deleted: usages, contracts and roles keep pointing at it. One
  that comes back is opened again.
- Persons are mapped by their FK user UUID, else matched by e-mail; name, e-mail,
  phone, title (the primary position's name) and unit (the primary position's unit)
  follow the export. A mapped person missing from the export, or inactive in it, gets
  ``left_on`` = today (if not set already); persons are never deleted.
- With ``{"root_uuid": ...}`` in the connector's options only that unit's subtree is
  read, and only units and persons inside it are closed or marked as left.
"""

from __future__ import annotations

import datetime
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitos.tenancy import SYSTEM
from roles.models import OrganisationUnit, Person
from roles.services import (
    person_create,
    person_update,
    unit_close,
    unit_create,
    unit_reopen,
    unit_update,
)

from ..models import Connector, ConnectorKind, RunMode, RunTrigger, SyncRun
from ..runs import (
    SourceError,
    connector_run,
    count,
    external_ids,
    link_external,
    note_change,
    note_error,
    writes,
)
from . import reader

SOURCE = ConnectorKind.FK_ORGANISATION
# The run's page lists at most this many changed objects (the rest are counted).
UNIT_FIELDS = ("name", "parent", "ean", "local_code")
PERSON_FIELDS = ("name", "email", "phone", "title", "unit")


def run(*, connector: Connector, mode: str = RunMode.PREVIEW,
        trigger: str = RunTrigger.USER, actor=None, content: bytes | None = None,
        today: datetime.date | None = None) -> SyncRun:
    """Read the export (`content`, an uploaded file; or, for a scheduled run, the file
    the connector's address names in FK_ORG_EXPORT_DIR) and preview or apply it."""
    today = today or timezone.localdate()
    with connector_run(connector=connector, mode=mode, trigger=trigger,
                       actor=actor) as sync_run:
        if content is None:
            content = read_scheduled_export(connector)
        export = reader.parse(content)
        root = _root(connector)
        if root is not None:
            export = export.subtree(root)
        try:
            with writes(sync_run):
                _Sync(run=sync_run, organisation=connector.organisation,
                      actor=actor or SYSTEM, today=today, root=root).apply(export)
        except PermissionDenied:
            raise SourceError(_("Du har ikke rettigheder til at ændre organisationens "
                                "enheder og personer.")) from None
    return sync_run


def read_scheduled_export(connector: Connector) -> bytes:
    """The export file a scheduled run reads: the connector's address, a file inside
    FK_ORG_EXPORT_DIR. Nothing outside that folder is ever read (the address is set in
    the admin, the folder only by whoever runs the server)."""
    folder = getattr(settings, "FK_ORG_EXPORT_DIR", "")
    if not folder:
        raise SourceError(_("Der er ingen eksportfil: upload FK Organisation-eksporten, "
                            "eller lad driften sætte FK_ORG_EXPORT_DIR, så planlagte "
                            "kørsler kan læse den fra serveren."))
    name = (connector.base_url or "").strip()
    if not name:
        raise SourceError(_("Forbindelsens adresse skal være navnet på eksportfilen i "
                            "mappen FK_ORG_EXPORT_DIR."))
    if "://" in name:
        raise SourceError(_("FK Organisation-eksporten læses fra en fil i mappen "
                            "FK_ORG_EXPORT_DIR, ikke fra en webadresse."))
    base = Path(folder).resolve()
    path = (base / name).resolve()
    if not path.is_relative_to(base):
        raise SourceError(_("Eksportfilen %(name)s ligger uden for mappen "
                            "FK_ORG_EXPORT_DIR.") % {"name": name})
    if not path.is_file():
        raise SourceError(_("Eksportfilen %(name)s findes ikke i mappen "
                            "FK_ORG_EXPORT_DIR.") % {"name": name})
    with path.open("rb") as handle:
        # One byte more than allowed is enough for the reader to refuse the size.
        return handle.read(reader.MAX_BYTES + 1)


def _root(connector: Connector) -> uuid.UUID | None:
    options = connector.options if isinstance(connector.options, dict) else {}
    value = options.get("root_uuid")
    if not value:
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise SourceError(_("Indstillingen root_uuid er ikke et UUID.")) from None


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


class _Sync:
    def __init__(self, *, run: SyncRun, organisation, actor, today, root):
        self.run, self.organisation, self.actor, self.today = run, organisation, actor, today
        self.root = root
        self.units = {unit.pk: unit for unit in OrganisationUnit.objects.filter(
            organisation=organisation)}
        self.unit_ids = {key: pk for key, pk in external_ids(
            organisation=organisation, source=SOURCE, model=OrganisationUnit).items()
            if pk in self.units}
        self.persons = {person.pk: person for person in Person.objects.filter(
            organisation=organisation)}
        self.person_ids = {key: pk for key, pk in external_ids(
            organisation=organisation, source=SOURCE, model=Person).items()
            if pk in self.persons}
        # FK UUID → the kitos unit it stands for after this run (units of the export).
        self.placed: dict[uuid.UUID, OrganisationUnit] = {}
        self.in_export: dict = {}
        # The first run's matching, indexed once: open unmapped units by (parent, name)
        # and unmapped persons by e-mail (a name or address shared by several is not a
        # match: kitos cannot tell which one is meant).
        mapped_units, mapped_persons = set(self.unit_ids.values()), set(self.person_ids.values())
        self.units_by_name: dict[tuple, list[OrganisationUnit]] = {}
        for unit in self.units.values():
            if unit.pk not in mapped_units and unit.closed_on is None:
                self.units_by_name.setdefault(
                    (unit.parent_id, unit.name.lower()), []).append(unit)
        self.persons_by_email: dict[str, list[Person]] = {}
        for person in self.persons.values():
            if person.pk not in mapped_persons and person.email:
                self.persons_by_email.setdefault(person.email.lower(), []).append(person)

    def current(self, obj, name: str):
        """A field's value before the run; units from memory, not one query each."""
        if name in ("parent", "unit"):
            return self.units.get(getattr(obj, f"{name}_id"))
        return getattr(obj, name)

    def changed(self, obj, wanted: dict) -> dict:
        """Field → (old, new) for every wanted value the object does not have yet."""
        return {name: (self.current(obj, name), value) for name, value in wanted.items()
                if self.current(obj, name) != value}

    # -- bookkeeping ----------------------------------------------------------------------

    def count(self, key: str) -> None:
        count(self.run, key)

    def change(self, action: str, obj, external_uuid, fields: dict) -> None:
        note_change(self.run, action, obj, external_uuid, fields)

    def error(self, what: str, message: str) -> None:
        note_error(self.run, what, message)

    # -- units ----------------------------------------------------------------------------

    def apply(self, export: reader.Export) -> None:
        self.in_export = export.units
        self.check_parents(export)
        for unit in export.units.values():
            self.sync_unit(unit)
        self.close_missing_units(export)
        for user in export.users.values():
            if not user.inactive:
                self.sync_person(user)
        self.mark_missing_persons(export)

    def check_parents(self, export: reader.Export) -> None:
        """Every parent is in the file or already known in kitos: otherwise the file
        is not the organisation's whole tree, and nothing is written."""
        unknown = sorted({
            unit.name for unit in export.units.values()
            if unit.parent_uuid is not None and unit.parent_uuid not in export.units
            and unit.parent_uuid not in self.unit_ids and unit.uuid != self.root
        })
        if unknown:
            raise SourceError(_("Eksportfilen nævner overordnede enheder, som hverken er i "
                                "filen eller kendt i kitos (under %(units)s).") % {
                                    "units": ", ".join(unknown[:10])})

    def parent_of(self, unit: reader.Unit, existing: OrganisationUnit | None):
        """(found, parent unit or None)."""
        if unit.uuid == self.root:
            # The imported subtree hangs where kitos has it (or at the top when new).
            if existing is not None:
                return True, existing.parent
            known = self.unit_ids.get(unit.parent_uuid)
            return True, self.units.get(known)
        if unit.parent_uuid is None:
            return True, None
        if unit.parent_uuid in self.placed:
            return True, self.placed[unit.parent_uuid]
        if unit.parent_uuid in self.unit_ids and unit.parent_uuid not in self.in_export:
            return True, self.units[self.unit_ids[unit.parent_uuid]]
        return False, None

    def match_by_name(self, name: str, parent) -> OrganisationUnit | None:
        """The first run: an open, not yet mapped unit of that name under that parent."""
        found = self.units_by_name.pop(
            (parent.pk if parent is not None else None, name.lower()), [])
        return found[0] if len(found) == 1 else None

    def sync_unit(self, unit: reader.Unit) -> None:
        existing = self.units.get(self.unit_ids.get(unit.uuid))
        if existing is None and unit.inactive:
            # Closed in FK before kitos knew it: nothing to keep (its children, if any
            # are still active, are reported below).
            self.count("unchanged")
            return
        found, parent = self.parent_of(unit, existing)
        if not found:
            self.count("errors")
            self.error(unit.name, _("Den overordnede enhed kunne ikke oprettes eller er "
                                    "lukket i FK Organisation."))
            return
        wanted = {"name": unit.name, "parent": parent}
        if unit.ean:
            wanted["ean"] = unit.ean
        if unit.los_id:
            wanted["local_code"] = unit.los_id
        matched = existing is None
        if existing is None:
            existing = self.match_by_name(unit.name, parent)
        try:
            with transaction.atomic():
                if existing is None:
                    self.create_unit(unit, wanted)
                else:
                    self.update_unit(unit, existing, wanted, newly_linked=matched)
        except ValidationError as error:
            if existing is not None:  # the savepoint undid the write, not the object
                existing.refresh_from_db()
            self.count("errors")
            self.error(unit.name, _message(error))

    def create_unit(self, unit: reader.Unit, wanted: dict) -> None:
        fields = dict(wanted)
        created = unit_create(actor=self.actor, organisation=self.organisation,
                              name=fields.pop("name"), parent=fields.pop("parent"), **fields)
        link_external(organisation=self.organisation, source=SOURCE,
                      external_uuid=unit.uuid, obj=created)
        self.units[created.pk] = created
        self.unit_ids[unit.uuid] = created.pk
        self.placed[unit.uuid] = created
        self.change("create", created, unit.uuid,
                    {name: (None, value) for name, value in wanted.items()})

    def update_unit(self, unit: reader.Unit, existing: OrganisationUnit, wanted: dict, *,
                    newly_linked: bool) -> None:
        changed = self.changed(existing, wanted)
        if newly_linked:
            link_external(organisation=self.organisation, source=SOURCE,
                          external_uuid=unit.uuid, obj=existing)
            self.unit_ids[unit.uuid] = existing.pk
        self.placed[unit.uuid] = existing
        if changed:
            moved = "parent" in changed
            unit_update(actor=self.actor, unit=existing,
                        data={name: new for name, (_old, new) in changed.items()})
            if moved:
                self.refresh_paths(existing)
        action = "update"
        if unit.inactive and existing.closed_on is None:
            changed["closed_on"] = (None, self.today)
            unit_close(actor=self.actor, unit=existing, on=self.today)
            action = "remove"
        elif not unit.inactive and existing.closed_on is not None:
            changed["closed_on"] = (existing.closed_on, None)
            unit_reopen(actor=self.actor, unit=existing)
        if changed:
            self.change(action, existing, unit.uuid, changed)
        else:
            self.count("unchanged")

    def refresh_paths(self, moved: OrganisationUnit) -> None:
        """The moved unit's subtree has new paths in the database (roles.services): the
        units kept in memory follow, so the next move checks the right tree."""
        for pk, path, depth in OrganisationUnit.objects.filter(
                organisation=self.organisation, path__startswith=moved.path,
        ).values_list("pk", "path", "depth"):
            if pk in self.units:
                self.units[pk].path, self.units[pk].depth = path, depth

    def in_scope(self, unit: OrganisationUnit | None) -> bool:
        """Whether the run answers for `unit`: the whole organisation, or with a root
        only the root's subtree."""
        if self.root is None:
            return True
        top = self.placed.get(self.root)
        return unit is not None and top is not None and unit.path.startswith(top.path)

    def close_missing_units(self, export: reader.Export) -> None:
        for key, pk in self.unit_ids.items():
            unit = self.units[pk]
            if key in export.units or unit.closed_on is not None or not self.in_scope(unit):
                continue
            try:
                with transaction.atomic():
                    unit_close(actor=self.actor, unit=unit, on=self.today)
            except ValidationError as error:  # pragma: no cover - closing has no rule yet
                self.count("errors")
                self.error(unit.name, _message(error))
                continue
            self.change("remove", unit, key, {"closed_on": (None, self.today)})

    # -- persons --------------------------------------------------------------------------

    def person_unit(self, user: reader.User) -> OrganisationUnit | None:
        position = user.primary
        if position is None:
            return None
        if position.unit_uuid in self.placed:
            return self.placed[position.unit_uuid]
        return self.units.get(self.unit_ids.get(position.unit_uuid))

    def match_by_email(self, email: str) -> Person | None:
        found = self.persons_by_email.pop(email.lower(), []) if email else []
        return found[0] if len(found) == 1 else None

    def sync_person(self, user: reader.User) -> None:
        unit = self.person_unit(user)
        if user.primary is not None and unit is None:
            self.count("errors")
            self.error(user.name, _("Personens enhed findes hverken i eksporten eller i "
                                    "kitos."))
            return
        wanted = {"name": user.name, "title": user.primary.name if user.primary else "",
                  "unit": unit}
        if user.email:
            wanted["email"] = user.email
        if user.phone:
            wanted["phone"] = user.phone
        existing = self.persons.get(self.person_ids.get(user.uuid))
        newly_linked = existing is None
        if existing is None:
            existing = self.match_by_email(user.email)
        try:
            with transaction.atomic():
                if existing is None:
                    fields = dict(wanted)
                    person = person_create(actor=self.actor, organisation=self.organisation,
                                           name=fields.pop("name"), **fields)
                    self.link_person(user, person)
                    self.change("create", person, user.uuid,
                                {name: (None, value) for name, value in wanted.items()})
                    return
                changed = self.changed(existing, wanted)
                if newly_linked:
                    self.link_person(user, existing)
                if changed:
                    person_update(actor=self.actor, person=existing,
                                  data={name: new for name, (_old, new) in changed.items()})
                    self.change("update", existing, user.uuid, changed)
                else:
                    self.count("unchanged")
        except ValidationError as error:
            if existing is not None:
                existing.refresh_from_db()
            self.count("errors")
            self.error(user.name, _message(error))

    def link_person(self, user: reader.User, person: Person) -> None:
        link_external(organisation=self.organisation, source=SOURCE,
                      external_uuid=user.uuid, obj=person)
        self.person_ids[user.uuid] = person.pk
        self.persons[person.pk] = person

    def mark_missing_persons(self, export: reader.Export) -> None:
        active = {key for key, user in export.users.items() if not user.inactive}
        for key, pk in self.person_ids.items():
            person = self.persons[pk]
            if key in active or person.left_on is not None:
                continue
            if self.root is not None and not self.in_scope(
                    self.units.get(person.unit_id)):
                continue
            try:
                with transaction.atomic():
                    person_update(actor=self.actor, person=person,
                                  data={"left_on": self.today})
            except ValidationError as error:
                self.count("errors")
                self.error(person.name, _message(error))
                continue
            self.change("remove", person, key, {"left_on": (None, self.today)})
