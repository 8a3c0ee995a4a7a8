"""Option lists (valgmuligheder): which lists there are, what an organisation is offered
from each, and the organisation admin's adaptations.

An app declares each list it uses with ``register_kind(OptionKind(...))`` from its
AppConfig.ready() — its key, its Danish name, where it is used and its standard entries
— and a data migration loads the entries (``ensure_options``); the core knows no list by
name. The shared entries are kept by superusers (Django admin): a new entry, a rename or
switching one off for everybody. An organisation's admin switches entries off for the
organisation, gives them its own description and its own order (``adapt_options``).

The one rule every form, filter, import and API write follows (``check_available``): a
*new or changed* value must be one the organisation is offered; a value an object had
already stays valid when the entry is switched off later, so switching one off never
makes existing registrations invalid or their forms unsavable.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import django_filters
from django import forms as django_forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext as _

from .audit import AuditAction, diff, record_change
from .choices import MembershipRole
from .excel.registry import register_reference
from .excel.spec import Reference
from .models import LocalOption, Option, Organisation
from .tenancy import has_role


@dataclass(frozen=True)
class OptionKind:
    """One option list: `key` (stable, in the API and the database), its Danish name
    (`label`), where it is used (`used_for`, shown to the admin) and its standard
    entries as (code, name) or (code, name, description) in their standard order.
    `obligatory` codes cannot be switched off locally."""

    key: str
    label: str
    used_for: str
    entries: tuple = ()
    obligatory: frozenset = field(default_factory=frozenset)
    # Which area of the admin page it is listed under (Systemer, Kontrakter, ...).
    group: str = ""


_kinds: dict[str, OptionKind] = {}


def register_kind(kind: OptionKind) -> None:
    """Declare an option list (AppConfig.ready(); a second call with the same key
    replaces the first: ready() may run twice in tests). Import columns can then point
    at it (``ref=reference_key(key)``)."""
    _kinds[kind.key] = kind
    register_reference(OptionReference(kind))


def kinds() -> list[OptionKind]:
    """Every declared list, by group and name."""
    return sorted(_kinds.values(), key=lambda kind: (kind.group, kind.label))


def kind(key: str) -> OptionKind:
    try:
        return _kinds[key]
    except KeyError as error:
        raise LookupError(f"no option list {key!r}") from error


def ensure_options(apps, option_kinds: Iterable[OptionKind]) -> int:
    """Create the standard entries of `option_kinds` that are missing (by kind and
    code); existing entries keep what superusers made of them. For data migrations
    (`apps` the migration's) and load_reference_data. Returns how many were created."""
    model = apps.get_model("kitos", "Option")
    created = 0
    for option_kind in option_kinds:
        existing = set(model.objects.filter(kind=option_kind.key).values_list("code", flat=True))
        new = []
        for order, entry in enumerate(option_kind.entries, start=1):
            code, name, *rest = entry
            if code in existing:
                continue
            new.append(model(
                kind=option_kind.key, code=code, name=name,
                description=rest[0] if rest else "", sort_order=order * 10,
                is_obligatory=code in option_kind.obligatory,
            ))
        model.objects.bulk_create(new)
        created += len(new)
    return created


# -- what an organisation is offered ------------------------------------------------------


def _local(organisation, field_name: str):
    return LocalOption.objects.filter(
        organisation=organisation, option=OuterRef("pk")).values(field_name)[:1]


def offered_q(organisation) -> Q:
    """The options offered to `organisation` for new registrations: enabled for
    everybody and either obligatory or not switched off locally."""
    switched_off = LocalOption.objects.filter(
        organisation=organisation, option=OuterRef("pk"), is_active=False)
    return Q(is_enabled=True) & (Q(is_obligatory=True) | ~Q(Exists(switched_off)))


def ordered_for(queryset, organisation):
    """`queryset` of options in the organisation's order (its own order where it set
    one), with `local_description` (its own words, or the standard description)."""
    from django.db.models import Subquery

    return queryset.annotate(
        local_order=Coalesce(Subquery(_local(organisation, "sort_order")), "sort_order"),
        local_description=Coalesce(
            NullIf(Subquery(_local(organisation, "description")),
                   models.Value("", output_field=models.TextField())),
            "description", output_field=models.TextField(),
        ),
    ).order_by("kind", "local_order", "name", "pk")


def offered(keys: str | Iterable[str], organisation, *, keep: Iterable = ()) -> models.QuerySet:
    """The options of list `keys` (one key, or several: a form's lists read at once)
    offered to `organisation`, in its order — plus the options in `keep` (the values an
    object has already), which stay choosable."""
    keep_ids = [option.pk if isinstance(option, Option) else option
                for option in keep if option is not None]
    condition = offered_q(organisation)
    if keep_ids:
        condition |= Q(pk__in=keep_ids)
    kind_q = Q(kind=keys) if isinstance(keys, str) else Q(kind__in=list(keys))
    return ordered_for(Option.objects.filter(kind_q & condition), organisation)


class TimedCache:
    """A per-process cache whose entries are read again after `ttl` seconds: for small
    tables read on every row of an import or every list page, where another process's
    change may show a few seconds late (as in a form opened just before it)."""

    def __init__(self, ttl: float):
        self.ttl = ttl
        self._entries: dict = {}

    def get(self, key, load):
        """The value under `key`, from `load()` when missing or older than the ttl."""
        cached = self._entries.get(key)
        now = time.monotonic()
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        value = load()
        self._entries[key] = (now, value)
        return value

    def clear(self) -> None:
        self._entries.clear()


# (organisation id, list key) -> ids offered. A large import validates the same few
# options on every row; an adaptation clears it here, and another process sees it after
# OFFERED_TTL seconds at the latest.
OFFERED_TTL = 10.0
_offered_cache = TimedCache(OFFERED_TTL)


def offered_ids(organisation_id, key: str) -> frozenset:
    return _offered_cache.get((organisation_id, key), lambda: frozenset(
        Option.objects.filter(offered_q(organisation_id), kind=key).values_list("pk", flat=True)))


def forget_offered() -> None:
    _offered_cache.clear()


def check_available(*, organisation, field_name: str, key: str, new, old=None) -> None:
    """Raise a ValidationError on `field_name` unless `new` (an Option, an iterable of
    them for a list field, or None) may be registered in `organisation`: each option of
    list `key`, and offered there unless the object had it already (`old`)."""
    new_options = _as_list(new)
    old_ids = {option.pk for option in _as_list(old)}
    wrong_kind = [option for option in new_options if option.kind != key]
    if wrong_kind:
        raise ValidationError({field_name: _("%(value)s hører ikke til valglisten %(list)s.") % {
            "value": wrong_kind[0].name, "list": kind(key).label if key in _kinds else key}})
    changed = [option for option in new_options if option.pk not in old_ids]
    if not changed:
        return
    allowed = offered_ids(getattr(organisation, "pk", organisation), key)
    refused = [option for option in changed if option.pk not in allowed]
    if refused:
        raise ValidationError({field_name: _(
            "%(value)s er slået fra i organisationens valgliste og kan ikke vælges."
        ) % {"value": refused[0].name}})


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, Option):
        return [value]
    return [option for option in value if option is not None]


# -- the organisation admin's adaptations ----------------------------------------------------


@dataclass(frozen=True)
class Adaptation:
    """What an admin set for one option: offered or not, own description, own order
    (None: the standard order)."""

    is_active: bool
    description: str = ""
    sort_order: int | None = None


@transaction.atomic
def adapt_options(*, actor, organisation: Organisation, key: str,
                  adaptations: Mapping[Option, Adaptation]) -> int:
    """Set the organisation's adaptation of options of list `key`; each change is one
    audit entry (the organisation's history shows who switched what off). An
    obligatory option cannot be switched off. Returns how many options changed."""
    if not has_role(actor, organisation.pk, at_least=MembershipRole.ADMIN):
        raise PermissionDenied(_("Kun organisationens administratorer kan tilpasse valglister."))
    options = list(adaptations)
    if any(option.kind != key for option in options):
        raise ValidationError(_("Valgmuligheden hører ikke til denne valgliste."))
    errors = [
        _("%(option)s er obligatorisk og kan ikke slås fra.") % {"option": option.name}
        for option, wanted in adaptations.items()
        if option.is_obligatory and not wanted.is_active
    ]
    if errors:
        raise ValidationError(errors)
    # Adaptations of one organisation are made one at a time: two admins saving the
    # same list at once would otherwise both create the same local row.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    current = {
        local.option_id: local
        for local in LocalOption.objects.select_for_update(of=("self",))
        .select_related("organisation", "option").filter(
            organisation=organisation, option__in=options)
    }
    changed = 0
    for option, wanted in adaptations.items():
        local = current.get(option.pk)
        before = _state(local)
        after = {"is_active": wanted.is_active, "description": wanted.description.strip(),
                 "sort_order": wanted.sort_order}
        if before == after:
            continue
        if local is None:
            local = LocalOption(organisation=organisation, option=option)
        local.organisation, local.option = organisation, option  # no reads for str()
        for name, value in after.items():
            setattr(local, name, value)
        local.full_clean()
        local.save()
        record_change(actor=actor, action=AuditAction.UPDATE, instance=local,
                      changes=diff(before, after))
        changed += 1
    # Now for this process's next check in the same transaction, and after the commit
    # again (a check in between may have read the old state).
    forget_offered()
    transaction.on_commit(forget_offered)
    return changed


def _state(local: LocalOption | None) -> dict:
    if local is None:
        return {"is_active": True, "description": "", "sort_order": None}
    return {"is_active": local.is_active, "description": local.description,
            "sort_order": local.sort_order}


# -- models with option fields ---------------------------------------------------------------


_UNKNOWN = object()


class OptionFields(models.Model):
    """A model with fields that point at option lists: ``option_fields`` maps each field
    (a foreign key or many-to-many to Option) to its list's key. ``clean()`` refuses a
    new or changed value the organisation is not offered (forms, API, admin and import
    all call it); forms offer the list in the organisation's order (ScopedModelForm).
    Many-to-many values are checked by ``check_many_options()``, called by the services
    and the Excel import, which know the old set."""

    option_fields: dict[str, str] = {}

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The values it had, so that only a changed one must be offered.
        # A deferred field (``.only()``) is not known: it is not checked either.
        instance._loaded_options = {
            name: instance.__dict__.get(f"{name}_id", _UNKNOWN)
            for name in cls.single_option_fields()
        }
        return instance

    @classmethod
    def single_option_fields(cls) -> list[str]:
        return [name for name in cls.option_fields
                if not cls._meta.get_field(name).many_to_many]

    def clean(self):
        super().clean()
        loaded = getattr(self, "_loaded_options", {})
        errors = {}
        for name in self.single_option_fields():
            new_id = self.__dict__.get(f"{name}_id")
            if new_id is None or new_id == loaded.get(name) or loaded.get(name) is _UNKNOWN:
                continue
            option = getattr(self, name)
            try:
                check_available(organisation=self.owning_organisation_id, field_name=name,
                                key=self.option_fields[name], new=option)
            except ValidationError as error:
                errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)

    def check_many_options(self, name: str, new: Iterable[Option], old_ids: Iterable = (),
                           *, organisation=None) -> None:
        """Raise a ValidationError on `name` unless each option of the many-to-many field
        `name`'s new value `new` is offered to the organisation (`organisation`, or the
        object's) or was in the field already (`old_ids`). A field that is no option
        field is not checked."""
        key = self.option_fields.get(name)
        if key is None:
            return
        new, old_ids = list(new), set(old_ids)
        if organisation is None:
            organisation = self.owning_organisation_id
        check_available(organisation=organisation, field_name=name, key=key, new=new,
                        old=[option for option in new if option.pk in old_ids])


# -- list filters ------------------------------------------------------------------------------


class OptionInFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    """``?payment_model=subscription,per_user``: objects whose option field holds one of
    the options with these codes (`many`: a many-to-many field, any of them, each
    object once)."""

    def __init__(self, *, field_name: str, many: bool = False, **kwargs):
        super().__init__(field_name=f"{field_name}__code", distinct=many, **kwargs)


# The shared lists as (code, name) pairs per list, for the lists' filter panels: a small
# table that superusers change rarely, read at most once per TABLE_TTL seconds per
# process (and at once after a change in this process), so that a list page with option
# filters costs no query for them.
TABLE_TTL = 60.0
_table_cache = TimedCache(TABLE_TTL)


def standard_choices() -> dict[str, list[tuple[str, str]]]:
    return _table_cache.get("choices", _load_standard_choices)


def _load_standard_choices() -> dict[str, list[tuple[str, str]]]:
    loaded: dict[str, list[tuple[str, str]]] = {}
    for kind_key, code, name in (Option.objects.filter(is_enabled=True)
                                 .order_by("kind", "sort_order", "name")
                                 .values_list("kind", "code", "name")):
        loaded.setdefault(kind_key, []).append((code, name))
    return loaded


def forget_standard_choices(**kwargs) -> None:
    """Connected to Option's post_save and post_delete (kitos.apps)."""
    _table_cache.clear()
    forget_offered()


def filter_choices(key: str):
    """For a list's ``filter_options``: the (code, name) pairs of option list `key`."""

    def choices(request) -> list[tuple[str, str]]:
        return standard_choices().get(key, [])

    choices.__qualname__ = f"filter_choices[{key}]"
    return choices


# -- Excel import and export ---------------------------------------------------------------


class OptionReference(Reference):
    """Import columns point at an option of one list by its name or its code (``ref`` =
    ``option:<key>``); export writes the name. Every option of the list resolves, also
    one switched off, so that exporting and importing an unchanged sheet changes
    nothing; a new value must be offered (the model's clean(), and for many-to-many
    columns the engine, call check_available)."""

    model = Option

    def __init__(self, option_kind: OptionKind):
        self.key = reference_key(option_kind.key)
        self.kind_key = option_kind.key
        self.reference_label = option_kind.label
        self.ambiguity_hint = _("skriv valgmulighedens kode i stedet.")
        self.missing_hint = _("Se valglisten under Valglister.")

    def lookup_queryset(self, organisation) -> models.QuerySet:
        return Option.objects.filter(kind=self.kind_key)

    def reference_texts(self, obj, lookup) -> list[str]:
        return [obj.name, obj.code]


def reference_key(key: str) -> str:
    """The ``ref`` of an import column choosing from option list `key`."""
    return f"option:{key}"


# -- forms ---------------------------------------------------------------------------------


class FormOptions:
    """The options of every option field of one form, read in one query when the first
    of them is rendered (a contract form has six option lists): per list, what the
    organisation offers in its order, plus the values the object holds (`keep`)."""

    def __init__(self, organisation, keys: Iterable[str], keep: Iterable[int]):
        self.organisation, self.keys, self.keep = organisation, list(keys), list(keep)
        self._by_kind: dict[str, list[Option]] | None = None

    def __call__(self, key: str) -> list[Option]:
        if self._by_kind is None:
            self._by_kind = {}
            for option in offered(self.keys, self.organisation, keep=self.keep):
                self._by_kind.setdefault(option.kind, []).append(option)
        return self._by_kind.get(key, [])


class OptionChoiceIterator(django_forms.models.ModelChoiceIterator):
    """An option field's choices from its form's FormOptions (validation still uses the
    field's own queryset)."""

    def objects(self) -> list[Option]:
        return self.field.form_options(self.field.option_key)

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for option in self.objects():
            yield self.choice(option)

    def __len__(self):
        return len(self.objects()) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.objects())


def use_form_options(field, *, key: str, form_options: FormOptions) -> None:
    """Let `field` (a model choice field over Option) show its choices from
    `form_options`."""
    field.option_key = key
    field.form_options = form_options
    field.iterator = OptionChoiceIterator
    field.widget.choices = field.choices


def in_use(option: Option) -> bool:
    """Whether any object holds `option` (in a single or a many-to-many option field)."""
    for relation in Option._meta.get_fields(include_hidden=True):
        if not relation.is_relation or not relation.auto_created or relation.concrete:
            continue
        if relation.model is LocalOption or relation.related_model is LocalOption:
            continue
        if relation.many_to_many:
            through = relation.through
            field = next(f for f in through._meta.fields
                         if f.is_relation and f.related_model is Option)
            if through._default_manager.filter(**{field.name: option}).exists():
                return True
        elif relation.one_to_many and relation.related_model._default_manager.filter(
                **{relation.field.name: option}).exists():
            return True
    return False
