"""Sync one organisation's registrations from OS2KITOS API v2 into kitos.

``run()`` reads everything first (client.py; any problem with the source fails the run
before a single write), then writes in one transaction through the same audited
services as the Excel import and the UI: units (parents first), IT systems and usages,
contracts with the usages they cover, data processing registrations, the roles on
usages, contracts and registrations, and last the deletions. A preview runs exactly the
same writes and rolls them back, so it shows what an apply would do, per object and
field.

Matching: a KITOS object is the kitos object linked to its UUID (integrations
ExternalId). Unlinked, the first run takes an existing kitos object by its natural key
(a unit by name under the same parent, a usage by its system, a contract or an
agreement by name, case-insensitive) and links it; else it creates one. A problem with
one object (a name clash, a missing reference, a unit still in use) is an error on the
run and that object is skipped (its writes are rolled back to a savepoint); the rest is
written.

Deletions: a delta run (changedSinceGtEq = the connector's mark) deletes the kitos
objects of the KITOS objects in the deleted-entities feed since the mark; a full run
(no mark, or ``full=True``) deletes the linked kitos objects that KITOS no longer
lists. Objects kitos has that were never linked to KITOS are never deleted.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import Contract, ContractCoverage
from contracts.services import contract_create, contract_delete, contract_update, supplier_create
from gdpr.models import DataProcessingAgreement
from gdpr.services import agreement_create, agreement_update
from integrations.models import Connector, ConnectorKind, RunMode, RunTrigger
from integrations.runs import (
    SourceError,
    connector_run,
    count,
    external_ids,
    link_external,
    note_change,
    note_error,
    unlink_external,
    writes,
)
from kitos.services import delete_object
from kitos.tenancy import SYSTEM
from portfolio.models import ItSystem, Supplier, SystemUsage
from portfolio.services import system_create, usage_create, usage_delete, usage_update
from roles.models import OrganisationUnit, Person, RoleAssignment, RoleType
from roles.services import (
    person_create,
    role_assign,
    role_assignment_end,
    unit_create,
    unit_delete,
    unit_update,
)

from . import mapping
from .client import PAGE_SIZE, KitosClient

SOURCE = ConnectorKind.KITOS
class ObjectError(Exception):
    """One object cannot be written; the run goes on without it."""


def read(connector: Connector, since) -> dict:
    """Everything the run needs from KITOS (``SourceError`` on any problem)."""
    remote = (connector.remote_organisation or "").strip()
    if not remote:
        raise SourceError(_("Forbindelsen mangler organisationens id i KITOS (uuid)."))
    remote = mapping._uuid(remote, what=_("forbindelsens organisation"))
    try:
        page_size = min(max(int((connector.options or {}).get("page_size", PAGE_SIZE)), 1),
                        PAGE_SIZE)
    except (TypeError, ValueError, AttributeError):
        page_size = PAGE_SIZE
    client = KitosClient(base_url=connector.base_url, email=connector.username,
                         password=connector.password(), page_size=page_size)
    client.login()
    data = {
        "units": [mapping.unit(d) for d in client.organisation_units(remote, since)],
        "usages": [mapping.usage(d) for d in client.system_usages(remote, since)],
        "contracts": [mapping.contract(d) for d in client.contracts(remote, since)],
        "dprs": [mapping.data_processing_registration(d)
                 for d in client.data_processing_registrations(remote, since)],
        "deleted": [],
    }
    if since is not None:
        data["deleted"] = [event for event in map(mapping.deletion,
                                                  client.deleted_entities(since)) if event]
    return data


def run(*, connector: Connector, mode=RunMode.PREVIEW, trigger=RunTrigger.USER, actor=None,
        content: bytes | None = None, today=None, full: bool = False):
    """Preview or apply the sync of `connector` (see the module's docstring). After a
    successful apply without errors the connector's mark moves to the moment this run
    started reading, so what changed during the run is read next time."""
    since = None if full else connector.synced_until
    with connector_run(connector=connector, mode=mode, trigger=trigger, actor=actor,
                       since=since) as sync_run:
        started = timezone.now()
        data = read(connector, since)
        with writes(sync_run):
            _Sync(connector=connector, run=sync_run, actor=actor or SYSTEM,
                  today=today or timezone.localdate(), full=since is None).apply(data)
        if mode == RunMode.APPLY and not sync_run.errors:
            Connector.objects.filter(pk=connector.pk).update(synced_until=started)
            connector.synced_until = started
    return sync_run


class _Sync:
    def __init__(self, *, connector, run, actor, today, full: bool):
        self.org = connector.organisation
        self.run = run
        self.actor = actor
        self.today = today
        self.full = full
        self.ids = {model: external_ids(organisation=self.org, source=SOURCE, model=model)
                    for model in (OrganisationUnit, SystemUsage, Contract,
                                  DataProcessingAgreement, Person, ItSystem, Supplier)}
        self._role_types: dict = {}
        self._journal: list = []

    # --- bookkeeping --------------------------------------------------------------------

    def _count(self, key: str) -> None:
        count(self.run, key)

    def _change(self, action: str, obj, external_uuid, fields: dict) -> None:
        note_change(self.run, action, obj, external_uuid, fields)

    def _error(self, what: str, message: str) -> None:
        note_error(self.run, what, message)

    def _guarded(self, what: str, write) -> None:
        """Run one object's writes in a savepoint: a refusal is an error on the run, and
        what the object's writes added to the run (change rows, counts, links) goes with
        them."""
        changes, counts, self._journal = len(self.run.changes), dict(self.run.counts), []
        try:
            with transaction.atomic():
                write()
        except (ObjectError, ValidationError, PermissionDenied, IntegrityError) as error:
            del self.run.changes[changes:]
            self.run.counts.clear()
            self.run.counts.update(counts)
            for model, key, previous in reversed(self._journal):
                if previous is None:
                    self.ids[model].pop(key, None)
                else:
                    self.ids[model][key] = previous
            if isinstance(error, ValidationError):
                message = " ".join(error.messages)
            elif isinstance(error, IntegrityError):
                # A rule only the database checks (or a concurrent change): the object is
                # skipped like any other refused write.
                message = _("Databasen afviste ændringen af objektet.")
            else:
                message = str(error) or _("Ingen rettigheder.")
            self._error(what, message)

    def _link(self, model, external_uuid, obj) -> None:
        key = _key(external_uuid)
        if self.ids[model].get(key) == obj.pk:
            return
        link_external(organisation=self.org, source=SOURCE, external_uuid=external_uuid,
                      obj=obj)
        self._journal.append((model, key, self.ids[model].get(key)))
        self.ids[model][key] = obj.pk

    def _linked(self, model, external_uuid):
        pk = self.ids[model].get(_key(external_uuid))
        return model.objects.filter(pk=pk).first() if pk else None

    def _unit(self, external_uuid, *, what: str):
        if not external_uuid:
            return None
        unit = self._linked(OrganisationUnit, external_uuid)
        if unit is None:
            raise ObjectError(_("%(what)s henviser til en enhed, der ikke findes i kitos "
                                "(%(uuid)s).") % {"what": what, "uuid": external_uuid})
        return unit

    def _diff(self, obj, desired: dict, m2m: dict | None = None) -> dict:
        changed = {}
        for name, new in desired.items():
            field = obj._meta.get_field(name)
            if field.is_relation:
                old_id = getattr(obj, field.attname)
                if old_id != (new.pk if new is not None else None):
                    changed[name] = (getattr(obj, name), new)
            elif getattr(obj, name) != new:
                changed[name] = (getattr(obj, name), new)
        for name, new in (m2m or {}).items():
            old = list(getattr(obj, name).all()) if obj.pk else []
            if {o.pk for o in old} != {o.pk for o in new}:
                changed[name] = (old, new)
        return changed

    # --- the run ------------------------------------------------------------------------

    def apply(self, data: dict) -> None:
        self.units(data["units"])
        self.usages(data["usages"])
        self.contracts(data["contracts"], data["usages"])
        self.dprs(data["dprs"])
        for resource, model, target_kind in (("usages", SystemUsage, "system_usage"),
                                             ("contracts", Contract, "contract"),
                                             ("dprs", DataProcessingAgreement,
                                              "data_processing_agreement")):
            for item in data[resource]:
                target = self._linked(model, item["uuid"])
                if target is not None:
                    self._guarded(str(target), lambda t=target, i=item, k=target_kind:
                                  self.roles(t, i["uuid"], i["roles"], k))
        self.deletions(data)

    # Units -------------------------------------------------------------------------------

    def units(self, items: list[dict]) -> None:
        by_uuid = {item["uuid"]: item for item in items}
        ordered, seen = [], set()

        def visit(item, trail=()):
            if item["uuid"] in seen or item["uuid"] in trail:
                return
            parent = by_uuid.get(item["parent_uuid"])
            if parent is not None:
                visit(parent, (*trail, item["uuid"]))
            seen.add(item["uuid"])
            ordered.append(item)

        for item in items:
            visit(item)
        for item in ordered:
            self._guarded(item["name"], lambda i=item: self._sync_unit(i))

    def _sync_unit(self, item: dict) -> None:
        parent = self._unit(item["parent_uuid"], what=item["name"])
        unit = self._linked(OrganisationUnit, item["uuid"])
        if unit is None:
            unit = (OrganisationUnit.objects.filter(organisation=self.org, parent=parent,
                                                    name__iexact=item["name"])
                    .exclude(pk__in=self.ids[OrganisationUnit].values()).first())
        desired = {"name": item["name"], "parent": parent, **item["fields"]}
        if unit is None:
            unit = unit_create(actor=self.actor, organisation=self.org, **desired)
            self._link(OrganisationUnit, item["uuid"], unit)
            self._change("create", unit, item["uuid"],
                         {k: (None, v) for k, v in desired.items() if v not in ("", None)})
            return
        self._link(OrganisationUnit, item["uuid"], unit)
        changed = self._diff(unit, desired)
        if not changed:
            self._count("unchanged")
            return
        unit = unit_update(actor=self.actor, unit=unit,
                           data={k: desired[k] for k in changed})
        self._change("update", unit, item["uuid"], changed)

    # Catalog entries ---------------------------------------------------------------------

    def _catalog(self, model, *, external_uuid, name: str, cvr: str = "", create):
        """A system or supplier the organisation may use: the linked one, one whose
        public id, CVR or name is KITOS's, else a new local entry of the organisation.
        Only the organisation's own entries are linked (a shared entry is linked to one
        object of a source for all organisations, see ExternalId)."""
        if external_uuid:
            entry = self._linked(model, external_uuid)
            if entry is not None:
                return entry
        usable = model.objects.usable_by(self.org).order_by("-is_local", "pk")
        entry = None
        if external_uuid:
            entry = usable.filter(Q(uuid=external_uuid)
                                  | Q(external_reference=str(external_uuid))).first()
        if entry is None and cvr:
            entry = usable.filter(cvr=cvr).first()
        if entry is None:
            entry = usable.filter(name__iexact=name).first()
        if entry is None:
            entry = create()
            self._change("create", entry, external_uuid, {"name": (None, entry.name)})
        if (external_uuid and entry.owner_organisation_id == self.org.pk
                and entry.pk not in self.ids[model].values()):
            self._link(model, external_uuid, entry)
        return entry

    def _system(self, item: dict) -> ItSystem:
        return self._catalog(
            ItSystem, external_uuid=item["system_uuid"], name=item["system_name"],
            create=lambda: system_create(actor=self.actor, name=item["system_name"],
                                         owner_organisation=self.org, is_local=True))

    def _supplier(self, organisation: dict | None) -> Supplier | None:
        if organisation is None:
            return None
        external = organisation["uuid"]
        try:
            external = mapping._uuid(external, what="") if external else None
        except SourceError:
            external = None
        return self._catalog(
            Supplier, external_uuid=external, name=organisation["name"],
            cvr=organisation["cvr"],
            create=lambda: supplier_create(actor=self.actor, name=organisation["name"],
                                           cvr=organisation["cvr"],
                                           owner_organisation=self.org, is_local=True))

    # Usages ------------------------------------------------------------------------------

    def usages(self, items: list[dict]) -> None:
        for item in items:
            self._guarded(item["system_name"], lambda i=item: self._sync_usage(i))

    def _sync_usage(self, item: dict) -> None:
        name = item["system_name"]
        system = self._system(item)
        desired = {
            "system": system,
            "responsible_unit": self._unit(item["responsible_unit_uuid"], what=name),
            **item["fields"],
        }
        using = [self._unit(uuid, what=name) for uuid in item["using_unit_uuids"]]
        usage = self._linked(SystemUsage, item["uuid"])
        if usage is None:
            usage = (SystemUsage.objects.filter(organisation=self.org, system=system)
                     .exclude(pk__in=self.ids[SystemUsage].values()).first())
        if usage is None:
            usage = usage_create(actor=self.actor, organisation=self.org, using_units=using,
                                 **desired)
            self._link(SystemUsage, item["uuid"], usage)
            self._change("create", usage, item["uuid"], {
                k: (None, v) for k, v in {**desired, "using_units": using}.items()
                if v not in ("", None, [])})
            return
        self._link(SystemUsage, item["uuid"], usage)
        changed = self._diff(usage, desired, {"using_units": using})
        if not changed:
            self._count("unchanged")
            return
        usage = usage_update(
            actor=self.actor, usage=usage,
            data={k: desired[k] for k in changed if k in desired},
            using_units=using if "using_units" in changed else None)
        self._change("update", usage, item["uuid"], changed)

    # Contracts ---------------------------------------------------------------------------

    def contracts(self, items: list[dict], usage_items: list[dict]) -> None:
        # The usages read in this run tell which contract is their main one.
        main_of = {item["uuid"]: item["main_contract_uuid"] for item in usage_items}
        for item in items:
            self._guarded(item["fields"]["name"],
                          lambda i=item: self._sync_contract(i, main_of))

    def _sync_contract(self, item: dict, main_of: dict) -> None:
        name = item["fields"]["name"]
        usages = []
        for external in item["usage_uuids"]:
            usage = self._linked(SystemUsage, external)
            if usage is None:
                raise ObjectError(_("Kontrakten dækker en systemanvendelse, der ikke findes "
                                    "i kitos (%(uuid)s).") % {"uuid": external})
            usages.append(usage)
        desired = {
            **item["fields"],
            "supplier": self._supplier(item["supplier"]),
            "responsible_unit": self._unit(item["responsible_unit_uuid"], what=name),
        }
        contract = self._linked(Contract, item["uuid"])
        if contract is None:
            contract = (Contract.objects.filter(organisation=self.org, name__iexact=name)
                        .exclude(pk__in=self.ids[Contract].values()).first())
        main_before = set()
        if contract is not None:
            main_before = set(ContractCoverage.objects.filter(
                contract=contract, is_main=True).values_list("usage_id", flat=True))
        uuid_of = {pk: external for external, pk in self.ids[SystemUsage].items()}
        main_for = [
            usage for usage in usages
            if main_of.get(str(uuid_of.get(usage.pk)), "") == item["uuid"]
            or (str(uuid_of.get(usage.pk)) not in main_of and usage.pk in main_before)
        ]
        if contract is None:
            contract = contract_create(actor=self.actor, organisation=self.org,
                                       usages=usages, main_for=main_for, **desired)
            self._link(Contract, item["uuid"], contract)
            self._change("create", contract, item["uuid"], {
                k: (None, v) for k, v in {**desired, "usages": usages}.items()
                if v not in ("", None, [], 0)})
            return
        self._link(Contract, item["uuid"], contract)
        changed = self._diff(contract, desired, {"usages": usages})
        if set(u.pk for u in main_for) != main_before:
            changed["main_for"] = (sorted(main_before), sorted(u.pk for u in main_for))
        if not changed:
            self._count("unchanged")
            return
        data = {k: desired[k] for k in changed if k in desired}
        coverage = "usages" in changed or "main_for" in changed
        contract = contract_update(actor=self.actor, contract=contract, data=data or None,
                                   usages=usages if coverage else None,
                                   main_for=main_for if coverage else ())
        changed.pop("main_for", None)
        self._change("update", contract, item["uuid"], changed)

    # Data processing registrations ------------------------------------------------------

    def dprs(self, items: list[dict]) -> None:
        for item in items:
            self._guarded(item["fields"]["name"], lambda i=item: self._sync_dpr(i))

    def _sync_dpr(self, item: dict) -> None:
        if item["processor"] is None:
            raise ObjectError(_("Databehandlingen har ingen databehandler i KITOS; en "
                                "databehandleraftale i kitos skal have en."))
        usages = []
        for external in item["usage_uuids"]:
            usage = self._linked(SystemUsage, external)
            if usage is None:
                raise ObjectError(_("Databehandlingen henviser til en systemanvendelse, der "
                                    "ikke findes i kitos (%(uuid)s).") % {"uuid": external})
            usages.append(usage)
        desired = {
            **item["fields"],
            "processor": self._supplier(item["processor"]),
            "contract": self._linked(Contract, item["contract_uuid"])
            if item["contract_uuid"] else None,
        }
        agreement = self._linked(DataProcessingAgreement, item["uuid"])
        if agreement is None:
            agreement = (DataProcessingAgreement.objects
                         .filter(organisation=self.org, name__iexact=item["fields"]["name"])
                         .exclude(pk__in=self.ids[DataProcessingAgreement].values()).first())
        if agreement is None:
            agreement = agreement_create(
                actor=self.actor,
                agreement=DataProcessingAgreement(organisation=self.org, **desired),
                m2m={"usages": usages})
            self._link(DataProcessingAgreement, item["uuid"], agreement)
            self._change("create", agreement, item["uuid"], {
                k: (None, v) for k, v in {**desired, "usages": usages}.items()
                if v not in ("", None, [], False)})
            return
        self._link(DataProcessingAgreement, item["uuid"], agreement)
        changed = self._diff(agreement, desired, {"usages": usages})
        if not changed:
            self._count("unchanged")
            return
        agreement = agreement_update(
            actor=self.actor, agreement=agreement,
            data={k: desired[k] for k in changed if k in desired},
            m2m={"usages": usages} if "usages" in changed else None)
        self._change("update", agreement, item["uuid"], changed)

    # Roles -------------------------------------------------------------------------------

    def _role_type(self, name: str, kind: str) -> RoleType | None:
        key = (name.lower(), kind)
        if key not in self._role_types:
            self._role_types[key] = (
                RoleType.objects.filter(Q(organisation=None) | Q(organisation=self.org),
                                        applies_to=kind, name__iexact=name)
                .order_by("organisation_id").last())
        return self._role_types[key]

    def _person(self, role: dict) -> Person:
        person = self._linked(Person, role["user_uuid"])
        if person is None:
            people = Person.objects.filter(organisation=self.org).exclude(
                pk__in=self.ids[Person].values())
            if role["email"]:
                person = people.filter(email__iexact=role["email"]).first()
            if person is None:
                named = list(people.filter(name=role["user_name"])[:2])
                person = named[0] if len(named) == 1 else None
            if person is None:
                person = person_create(actor=self.actor, organisation=self.org,
                                       name=role["user_name"], email=role["email"])
                self._change("create", person, role["user_uuid"], {
                    "name": (None, person.name), "email": (None, person.email or None)})
            self._link(Person, role["user_uuid"], person)
        return person

    def roles(self, target, external_uuid, roles: list[dict], kind: str) -> None:
        """KITOS's roles are the object's open role assignments: missing ones are given,
        ones KITOS no longer has are ended (yesterday, so they stop counting today)."""
        wanted = {}
        for role in roles:
            role_type = self._role_type(role["role"], kind)
            if role_type is None:
                self._error(f"{target}: {role['role']}", _(
                    "Rollen %(role)s findes ikke i kitos for denne type objekt; opret den "
                    "som lokal rolle, og kør synkroniseringen igen.") % {"role": role["role"]})
                continue
            person = self._person(role)
            wanted[(person.pk, role_type.pk)] = (person, role_type)
        current = {(a.person_id, a.role_type_id): a for a in RoleAssignment.objects.on(target)
                   .filter(end_date__isnull=True).select_related("person", "role_type")}
        for key, (person, role_type) in wanted.items():
            if key in current:
                self._count("unchanged")
                continue
            assignment = role_assign(actor=self.actor, person=person, role_type=role_type,
                                     target=target)
            self._change("create", assignment, external_uuid, {
                "role_type": (None, role_type), "person": (None, person)})
        yesterday = self.today - datetime.timedelta(days=1)
        for key, assignment in current.items():
            if key in wanted:
                continue
            end = max(yesterday, assignment.start_date or yesterday)
            role_assignment_end(actor=self.actor, assignment=assignment, end_date=end)
            self._change("remove", assignment, external_uuid, {
                "role_type": (assignment.role_type, None),
                "person": (assignment.person, None)})

    # Deletions ---------------------------------------------------------------------------

    def deletions(self, data: dict) -> None:
        models_of = {"dpr": DataProcessingAgreement, "contract": Contract,
                     "usage": SystemUsage, "unit": OrganisationUnit}
        present = {resource: {item["uuid"] for item in data[key]} for resource, key in (
            ("dpr", "dprs"), ("contract", "contracts"), ("usage", "usages"),
            ("unit", "units"))}
        gone = {resource: set() for resource in models_of}
        if self.full:
            for resource, model in models_of.items():
                gone[resource] = {str(u) for u in self.ids[model]} - present[resource]
        else:
            for resource, external in data["deleted"]:
                if external not in present[resource]:
                    gone[resource].add(external)
        for resource in ("dpr", "contract", "usage", "unit"):
            model = models_of[resource]
            objects = [(external, obj) for external in gone[resource]
                       if (obj := self._linked(model, external)) is not None]
            if resource == "unit":  # children first
                objects.sort(key=lambda pair: -pair[1].depth)
            for external, obj in objects:
                self._guarded(str(obj), lambda o=obj, e=external: self._delete(o, e))

    def _delete(self, obj, external_uuid) -> None:
        name = str(obj)
        if isinstance(obj, OrganisationUnit):
            unit_delete(actor=self.actor, unit=obj)
        elif isinstance(obj, SystemUsage):
            usage_delete(actor=self.actor, usage=obj)
        elif isinstance(obj, Contract):
            contract_delete(actor=self.actor, contract=obj)
        else:
            delete_object(actor=self.actor, instance=obj)
        unlink_external(source=SOURCE, objects=[obj])
        self.ids[type(obj)].pop(_key(external_uuid), None)
        self._change("remove", obj, external_uuid, {"name": (name, None)})


def _key(external_uuid):
    """ExternalId maps hold UUID objects; KITOS sends strings."""
    import uuid

    return external_uuid if isinstance(external_uuid, uuid.UUID) else uuid.UUID(
        str(external_uuid))
