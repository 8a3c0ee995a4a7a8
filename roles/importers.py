"""Spreadsheet import/export of organisation units, persons, role assignments and
competencies (see kitos/excel/spec.py). The OS2KITOS templates "Organisationsenheder"
(parent by name, EAN) and "Brugere" (first and last name, e-mail) read as they are."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kitos.excel.registry import ENTITY_SPECS
from kitos.excel.spec import (
    CHOICE,
    DATE,
    EMAIL,
    EXTERNAL_REFERENCE,
    INT,
    REF,
    Column,
    EntitySpec,
    ExportCell,
    Reference,
    key_part,
    reference_text,
)

from .choices import CompetencyLevel, CompetencyTier, RoleTarget, TrainingStatus
from .models import (
    Competency,
    CompetencyTarget,
    Discipline,
    OrganisationUnit,
    Person,
    RoleAssignment,
    RoleType,
    TrainingPlanItem,
)

PATH_SEPARATOR = "/"


def _ancestors(unit, lookup) -> list:
    """The unit and its ancestors, top first (new units know their parent object)."""
    chain, current, seen = [], unit, set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        field = OrganisationUnit._meta.get_field("parent")
        if field.is_cached(current):
            current = field.get_cached_value(current)
        else:
            current = lookup.by_pk.get(current.parent_id) if current.parent_id else None
    return list(reversed(chain))


class UnitSpec(EntitySpec):
    key = "units"
    label = gettext_lazy("Organisationsenheder")
    model = OrganisationUnit
    sheet_names = ("Enheder", "Units", "Organisation units", "Afdelinger", "Org units",
                   "Organisation")
    reference_label = gettext_lazy("Enheden")
    ambiguity_hint = gettext_lazy("flere enheder hedder det; skriv stien, fx "
                                  "»Børn og Unge/Dagtilbud«.")
    duplicate_label = gettext_lazy("samme enhed (navn under samme overordnede enhed)")
    columns = (
        Column("name", "Navn", ("Afdelingsnavn", "Enhedsnavn", "Enhed", "Name", "Unit name",
                                "Organisationsenhed", "Unit"), required=True),
        Column("parent", "Overordnet enhed", ("Overordnet afdeling", "Overordnet", "Parent",
                                              "Parent unit", "Forælder"),
               kind=REF, ref="units", deferred=True,
               help=gettext_lazy("Navnet (eller stien) på den overordnede enhed; tom for "
                                 "øverste niveau.")),
        Column("local_code", "Lokal kode", ("Kode", "Enhedskode", "Local code", "Code")),
        Column("ean", "EAN-nummer", ("EAN nummer", "EAN", "EAN number", "EAN-nr")),
        EXTERNAL_REFERENCE,
    )
    key_columns = ("parent", "name")

    def reference_texts(self, obj, lookup) -> list[str]:
        names = [unit.name for unit in _ancestors(obj, lookup)]
        return [obj.name, PATH_SEPARATOR.join(names)]

    def order_rows(self, rows, context):
        """Parents before children, whatever the order of the rows."""
        by_name = {}
        for row in rows:
            by_name.setdefault(key_part(row.values.get("name") or ""), row)
        ordered, state = [], {}

        def visit(row):
            if state.get(id(row)) == "done":
                return
            if state.get(id(row)) == "visiting":
                return  # a cycle: adjust reports it when the parent cannot be found
            state[id(row)] = "visiting"
            parent_text = row.values.get("parent") or ""
            last = parent_text.split(PATH_SEPARATOR)[-1] if parent_text else ""
            parent_row = by_name.get(key_part(last)) if last else None
            if parent_row is not None and parent_row is not row:
                visit(parent_row)
            state[id(row)] = "done"
            ordered.append(row)

        for row in rows:
            visit(row)
        return ordered

    def adjust(self, values, context):
        text = values.get("parent")
        if not isinstance(text, str):
            return []
        if not text:
            values["parent"] = None
            return []
        lookup = context.lookup("units")
        try:
            values["parent"] = lookup.resolve(text)
        except Exception as error:  # CellError
            # OS2KITOS names the organisation itself as the parent of the top units.
            if key_part(text) == key_part(context.organisation.name):
                values["parent"] = None
                return []
            values.pop("parent")
            return [("parent", getattr(error, "message", str(error)))]
        return []

    def after_row(self, row, context):
        if row.created:
            context.lookup("units").add(row.obj)

    def prepare(self, obj, row, context):
        if obj.parent_id is None and obj.parent is not None and obj.parent.pk is None:
            return
        if obj.pk and obj.parent_id and obj.parent_id == obj.pk:
            row.errors.append(("parent", _("En enhed kan ikke ligge under sig selv.")))

    def create_batches(self, objects):
        """Level by level: a unit's parent gets its id (and path) before the unit."""
        pending = list(objects)
        batches = []
        inserted: set[int] = set()
        while pending:
            ready = [
                unit for unit in pending
                if unit.parent is None or unit.parent.pk is not None or id(unit.parent) in inserted
            ]
            if not ready:  # pragma: no cover - order_rows and resolve prevent cycles
                ready = pending
            batches.append(ready)
            inserted.update(id(unit) for unit in ready)
            pending = [unit for unit in pending if id(unit) not in inserted]
        return batches

    def after_create(self, objects, context):
        for unit in objects:
            parent_path = unit.parent.path if unit.parent is not None else "/"
            unit.path = f"{parent_path}{unit.pk}/"
            unit.depth = unit.path.count("/") - 2
        OrganisationUnit.objects.bulk_update(objects, ["path", "depth"], batch_size=1000)

    def after_write(self, state, context):
        """Moved units take their subtree along (one UPDATE per moved unit)."""
        for row in state.rows:
            if row.errors or row.created or "parent" not in row.changes:
                continue
            unit = row.obj
            old_path = unit.path
            parent_path = unit.parent.path if unit.parent is not None else "/"
            new_path = f"{parent_path}{unit.pk}/"
            OrganisationUnit.objects.filter(
                organisation_id=unit.organisation_id, path__startswith=old_path
            ).update(
                path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
                depth=F("depth") + (new_path.count("/") - old_path.count("/")),
            )
            unit.path = new_path


class PersonSpec(EntitySpec):
    key = "persons"
    label = gettext_lazy("Personer")
    model = Person
    sheet_names = ("Brugere", "Medarbejdere", "Persons", "People", "Users", "Ansatte")
    reference_label = gettext_lazy("Personen")
    ambiguity_hint = gettext_lazy("flere personer har det navn; brug e-mailadressen.")
    duplicate_label = gettext_lazy("samme person (e-mail)")
    columns = (
        Column("name", "Navn", ("Fulde navn", "Name", "Full name", "Person"),
               required_on_create=True),
        Column("first_name", "Fornavn", ("First name", "Given name"), field=None, export=False),
        Column("last_name", "Efternavn", ("Last name", "Surname", "Family name"), field=None,
               export=False),
        Column("email", "E-mail", ("Email", "E-mailadresse", "Mail", "E-mail address"),
               kind=EMAIL),
        Column("phone", "Telefon", ("Telefonnummer", "Tlf", "Tlf.", "Phone", "Mobil")),
        Column("title", "Stilling", ("Titel", "Title", "Job title", "Jobtitel")),
        Column("unit", "Enhed", ("Afdeling", "Organisationsenhed", "Unit", "Department"),
               kind=REF, ref="units"),
        Column("left_on", "Fratrådt", ("Fratrædelsesdato", "Left on", "Left", "Fratrådt den"),
               kind=DATE),
        EXTERNAL_REFERENCE,
    )
    key_columns = ("email",)

    def existing(self, organisation):
        return Person.objects.filter(organisation=organisation).select_related("unit")

    def reference_texts(self, obj, lookup):
        return [obj.email, obj.name] if obj.email else [obj.name]

    def missing_required(self, present):
        if present & {"name", "first_name", "last_name", "email", "uuid"}:
            return []
        return [self.column("name")]

    def adjust(self, values, context):
        first = values.pop("first_name", None)
        last = values.pop("last_name", None)
        if "name" not in values and (first or last):
            values["name"] = " ".join(part for part in (first, last) if part)
        return []

    def row_key(self, values):
        if values.get("email"):
            return (key_part(values["email"]),)
        if values.get("name"):
            return ("name", key_part(values["name"]))
        return None

    def object_key(self, obj):
        return (key_part(obj.email),) if obj.email else ("name", key_part(obj.name))


class RoleTypeReference(Reference):
    key = "role_types"
    model = RoleType
    reference_label = gettext_lazy("Rollen")
    ambiguity_hint = gettext_lazy("flere roller hedder det; udfyld objekttypen.")

    def reference_texts(self, obj, lookup):
        return [obj.name, obj.code]


class DisciplineReference(Reference):
    key = "disciplines"
    model = Discipline
    reference_label = gettext_lazy("Fagområdet")
    ambiguity_hint = gettext_lazy("flere fagområder hedder det; brug koden.")

    def reference_texts(self, obj, lookup):
        return [obj.name, obj.code]

    def prefer(self, candidates):
        own = [c for c in candidates if c.organisation_id is not None]
        return own[0] if len(own) == 1 else None


def target_entity(kind: str) -> str:
    """The importable entity whose lookup names the targets of `kind` of role: the one
    whose model is that kind of role target (kitos.excel.registry; the apps above this
    one register them)."""
    for spec in ENTITY_SPECS:
        if getattr(spec.model, "role_target", None) == kind:
            return spec.key
    raise KeyError(kind)


class RoleAssignmentSpec(EntitySpec):
    key = "role_assignments"
    label = gettext_lazy("Rolletildelinger")
    model = RoleAssignment
    sheet_names = ("Roller", "Role assignments", "Roles", "Ansvarlige", "Rolleplacering")
    duplicate_label = gettext_lazy("samme rolle for samme person på samme objekt og dato")
    columns = (
        Column("person", "Person", ("Personens e-mail", "E-mail", "Email", "Person (e-mail)"),
               kind=REF, ref="persons", required=True),
        Column("role_type", "Rolle", ("Rolletype", "Role", "Role type"), kind=REF,
               ref="role_types", deferred=True, required=True),
        Column("target_kind", "Objekttype", ("Gælder for", "Type", "Object type",
                                             "Target type"), kind=CHOICE, choices=RoleTarget,
               field=None),
        Column("target", "Objekt", ("Gælder", "Object", "Target", "Navn på objekt"),
               field=None, required=True),
        Column("start_date", "Fra", ("Startdato", "Start", "From", "Fra dato"), kind=DATE),
        Column("end_date", "Til", ("Slutdato", "Slut", "To", "End", "Til dato"), kind=DATE),
        Column("note", "Bemærkning", ("Note", "Kommentar", "Comment")),
        # Set from the two columns above; never in a sheet.
        Column("content_type_id", "Objekttype (id)", kind=INT, export=False),
        Column("object_id", "Objekt (id)", kind=INT, export=False),
    )
    key_columns = ("person", "role_type", "content_type_id", "object_id", "start_date")

    def existing(self, organisation):
        return RoleAssignment.objects.filter(organisation=organisation)

    def adjust(self, values, context):
        errors = []
        text = values.get("role_type")
        kind = values.get("target_kind") or ""
        candidates = []
        if isinstance(text, str) and text:
            candidates = context.lookup("role_types").by_text.get(key_part(text), [])
            if kind:
                candidates = [c for c in candidates if c.applies_to == kind]
            if not candidates:
                errors.append(("role_type", _("Rollen »%(text)s« findes ikke%(suffix)s.") % {
                    "text": text,
                    "suffix": _(" for den objekttype") if kind else "",
                }))
            elif len({c.applies_to for c in candidates}) > 1:
                errors.append(("role_type", _(
                    "Rollen »%(text)s« findes for flere objekttyper; udfyld »Objekttype«.")
                    % {"text": text}))
                candidates = []
            else:
                own = [c for c in candidates if c.organisation_id is not None]
                values["role_type"] = own[0] if own else candidates[0]
                kind = values["role_type"].applies_to
        if not candidates:
            values.pop("role_type", None)
        target_text = values.get("target")
        if kind and target_text:
            target = None
            if kind == RoleTarget.ORGANISATION:
                if key_part(target_text) == key_part(context.organisation.name):
                    target = context.organisation
                else:
                    errors.append(("target", _("Objektet skal være organisationens navn.")))
            else:
                try:
                    target = context.lookup(target_entity(kind)).resolve(target_text)
                except Exception as error:  # CellError
                    errors.append(("target", getattr(error, "message", str(error))))
            if target is not None:
                values["_target"] = target
                values["content_type_id"] = ContentType.objects.get_for_model(target).pk
                values["object_id"] = target.pk if target.pk is not None else ("new", id(target))
        return errors

    def pending_values(self, obj):
        target = getattr(obj, "_import_target", None)
        # A role on a system, contract, ... the same file creates: its id comes with the
        # insert (create_batches); until then the target object stands for it.
        if target is not None and target.pk is None:
            return {"object_id": ("new", id(target))}
        return {}

    def set(self, obj, column, value, values):
        if column.key == "object_id":
            target = values.get("_target")
            obj.object_id = target.pk if target is not None else None
            obj._import_target = target
            if target is not None and target.pk is not None:
                obj.target = target
            return
        super().set(obj, column, value, values)

    def create_batches(self, objects):
        for obj in objects:
            target = getattr(obj, "_import_target", None)
            if obj.object_id is None and target is not None:
                obj.object_id = target.pk
        return super().create_batches(objects)

    def export_cell(self, column, context, links, queryset):
        if column.key not in ("target_kind", "target"):
            return super().export_cell(column, context, links, queryset)
        kinds = {}  # content type id -> role target kind (ContentType caches the models)

        def kind_of(row) -> str:
            type_id = row["content_type_id"]
            if type_id not in kinds:
                model = ContentType.objects.get_for_id(type_id).model_class()
                kinds[type_id] = getattr(model, "role_target", "")
            return kinds[type_id]

        if column.key == "target_kind":
            labels = dict(RoleTarget.choices)
            return ExportCell(("content_type_id",),
                              lambda row: str(labels.get(kind_of(row), kind_of(row))))
        texts = {}  # kind -> the text of a target by pk

        def target(row) -> str:
            kind = kind_of(row)
            if kind == RoleTarget.ORGANISATION:
                return context.organisation.name
            if kind not in texts:
                texts[kind] = reference_text(context.lookup(target_entity(kind)))
            return texts[kind](row["object_id"])

        return ExportCell(("content_type_id", "object_id"), target)

    def row_label(self, row, context):
        values = row.values
        person = values.get("person")
        role = values.get("role_type")
        return f"{role}: {person} ({values.get('target') or ''})" if person else ""


class CompetencySpec(EntitySpec):
    key = "competencies"
    label = gettext_lazy("Kompetencer")
    model = Competency
    sheet_names = ("Competencies", "Skills", "Kompetence")
    duplicate_label = gettext_lazy("samme person og fagområde")
    columns = (
        Column("person", "Person", ("Personens e-mail", "E-mail", "Email"), kind=REF,
               ref="persons", required=True),
        Column("discipline", "Fagområde", ("Discipline", "Område", "Kompetenceområde"),
               kind=REF, ref="disciplines", required=True),
        Column("level", "Niveau", ("Level", "Kompetenceniveau"), kind=CHOICE,
               choices=CompetencyLevel, required_on_create=True),
        Column("note", "Bemærkning", ("Note", "Kommentar")),
    )
    key_columns = ("person", "discipline")


class CompetencyTargetSpec(EntitySpec):
    key = "competency_targets"
    label = gettext_lazy("Kompetencemål")
    model = CompetencyTarget
    sheet_names = ("Competency targets", "Competence targets", "Kompetencemaal")
    duplicate_label = gettext_lazy("samme fagområde for samme enhed eller rolle")
    columns = (
        Column("discipline", "Fagområde", ("Discipline", "Område", "Kompetenceområde"),
               kind=REF, ref="disciplines", required=True),
        Column("level", "Målniveau", ("Niveau", "Level", "Target level"), kind=CHOICE,
               choices=CompetencyLevel, required_on_create=True),
        Column("unit", "Enhed", ("Afdeling", "Organisationsenhed", "Unit"), kind=REF,
               ref="units", deferred=True,
               help=gettext_lazy("Enhedens navn, sti eller kode; udfyld enten Enhed eller "
                                 "Rolle.")),
        Column("role_type", "Rolle", ("Rolletype", "Role", "Role type"), kind=REF,
               ref="role_types",
               help=gettext_lazy("Rollens navn eller kode; udfyld enten Enhed eller Rolle.")),
        Column("tier", "Niveau i organisationen", ("Tier", "Organisationsniveau"),
               kind=CHOICE, choices=CompetencyTier),
        Column("note", "Bemærkning", ("Note", "Kommentar")),
    )
    # Matched by discipline and what it applies to (one of unit and role type is empty).
    key_columns = ("discipline", "unit", "role_type")

    def adjust(self, values, context):
        errors = []
        text = values.get("unit")
        if isinstance(text, str):
            if not text:
                values["unit"] = None
            else:
                try:
                    values["unit"] = self._unit(text, context)
                except Exception as error:  # CellError
                    values.pop("unit")
                    errors.append(("unit", getattr(error, "message", str(error))))
        if values.get("unit") and values.get("role_type"):
            errors.append((None, _("Udfyld enten Enhed eller Rolle, ikke begge.")))
        return errors

    @staticmethod
    def _unit(text, context):
        """A unit by name or path (the units lookup), else by its local code."""
        lookup = context.lookup("units")
        try:
            return lookup.resolve(text)
        except Exception:
            wanted = key_part(text)
            by_code = [unit for unit in lookup.by_pk.values()
                       if unit.local_code and key_part(unit.local_code) == wanted]
            if len(by_code) == 1:
                return by_code[0]
            raise

    def row_label(self, row, context):
        values = row.values
        holder = values.get("unit") or values.get("role_type") or ""
        return f"{values.get('discipline') or ''} – {holder}"


OPEN_STATUSES = (TrainingStatus.PLANNED, TrainingStatus.IN_PROGRESS)


class TrainingPlanSpec(EntitySpec):
    key = "training_plan"
    label = gettext_lazy("Uddannelsesplan")
    model = TrainingPlanItem
    sheet_names = ("Training plan", "Uddannelsesplaner", "Uddannelse")
    duplicate_label = gettext_lazy("samme person, fagområde og målniveau (åbent punkt)")
    columns = (
        Column("person", "Person", ("Personens e-mail", "E-mail", "Email"), kind=REF,
               ref="persons", required=True),
        Column("discipline", "Fagområde", ("Discipline", "Område", "Kompetenceområde"),
               kind=REF, ref="disciplines", required=True),
        Column("target_level", "Målniveau", ("Niveau", "Level", "Target level"),
               kind=CHOICE, choices=CompetencyLevel, required=True),
        Column("due_date", "Senest", ("Frist", "Deadline", "Due date", "Dato"), kind=DATE),
        Column("status", "Status", ("State",), kind=CHOICE, choices=TrainingStatus),
        Column("note", "Bemærkning", ("Note", "Kommentar")),
    )
    key_columns = ("person", "discipline", "target_level")

    # Open items are matched by person, discipline and level (at most one is open). A
    # finished or cancelled one is history: matched by those and its status and date, so
    # that a re-run of the same rows changes nothing, while a new plan for the same level
    # is a new item and a row marking the open one done closes it.

    @staticmethod
    def _closed_key(key, status, due_date):
        return ("closed", *key, status, due_date)

    def row_keys(self, values):
        key = self.row_key(values)
        if key is None:
            return []
        status = values.get("status")
        if status and status not in OPEN_STATUSES:
            return [self._closed_key(key, status, values.get("due_date")), key]
        return [key]

    def object_keys(self, obj):
        key = self.object_key(obj)
        if obj.status in OPEN_STATUSES:
            return [key]
        return [self._closed_key(key, obj.status, obj.due_date)]

    def row_label(self, row, context):
        values = row.values
        return f"{values.get('person') or ''}: {values.get('discipline') or ''}"

    def after_write(self, state, context):
        """Like the service (training_plan_item_update): an item marked done raises the
        person's competency to its level."""
        from .services import raise_competency_when_done

        for row in state.rows:
            if row.errors or not (row.created or "status" in row.changes):
                continue
            raise_competency_when_done(actor=context.actor, item=row.obj)


UNITS = UnitSpec()
PERSONS = PersonSpec()
ROLE_ASSIGNMENTS = RoleAssignmentSpec()
COMPETENCIES = CompetencySpec()
COMPETENCY_TARGETS = CompetencyTargetSpec()
TRAINING_PLAN = TrainingPlanSpec()
ROLE_TYPES = RoleTypeReference()
DISCIPLINES = DisciplineReference()
