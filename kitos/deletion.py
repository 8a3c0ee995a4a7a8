"""What deleting an object takes with it and what holds it back, for the delete
confirmation page, counted in one statement.

Django's deletion collector (``NestedObjects``) loads every related object, one query per
related kind and level, so a confirmation page cost a query for each kind that could
refer to the object, and more with the data. The page only shows counts per kind and the
names of what blocks the delete, so here the same walk is made over the *schema*: each
cascading relation becomes a subquery of the rows above it, and every count is one
scalar subquery of a single select (``kitos.db.counts``). Only blocking kinds that are
actually there cost a query more, for the names of their objects.

The delete itself still runs Django's collector (through the services), which remains
the authority; this only answers the GET page. A schema this walk does not model
(multi-table inheritance, RESTRICT, a custom ``on_delete``, a cascade cycle between
models) falls back to the collector.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.admin.utils import NestedObjects
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models, router
from django.db.models import CASCADE, DO_NOTHING, PROTECT, SET_DEFAULT, SET_NULL, Q
from django.db.models.deletion import get_candidate_relations_to_delete
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kitos.db import counts, name_related

# The most blocking objects named per kind (the page names them so they can be fixed
# first; more of them are counted, not listed).
NAMED_PER_KIND = 50


@dataclass(frozen=True)
class Removed:
    label: str
    count: int


class _NotModelled(Exception):
    """The schema has a deletion rule the walk does not model: ask the collector."""


def deletion_summary(obj, user) -> tuple[list[Removed], list[str]]:
    """What else goes when `obj` is deleted (cascades, counted per kind), and what
    prevents it (objects that point at it and are protected, named). A shared catalog
    entry is held by other organisations' objects too: those are counted by kind, never
    named."""
    removed_by_model: dict = defaultdict(list)
    protected_by_model: dict = defaultdict(list)
    model = type(obj)
    try:
        _walk(model, model._base_manager.filter(pk=obj.pk), (model,),
              removed_by_model, protected_by_model)
    except _NotModelled:
        return _collected_summary(obj, user)

    unions = {
        ("removed", kind): kind._base_manager.filter(_union(querysets))
        for kind, querysets in removed_by_model.items() if kind is not model
    }
    for kind, querysets in protected_by_model.items():
        unions["protected", kind] = kind._base_manager.filter(_union(querysets))
        if hasattr(kind._default_manager, "visible_to"):
            unions["visible", kind] = (
                kind._default_manager.visible_to(user).filter(_union(querysets))
            )
    numbers = counts(obj, unions)

    removed = sorted(
        (Removed(capfirst(kind._meta.verbose_name_plural), numbers[key, kind])
         for key, kind in numbers if key == "removed" and numbers[key, kind]),
        key=lambda item: item.label,
    )
    protected = []
    for kind, querysets in protected_by_model.items():
        total = numbers["protected", kind]
        if not total:
            continue
        label = capfirst(kind._meta.verbose_name)
        visible = numbers.get(("visible", kind), 0)
        if visible:
            # Reloaded with what their names need (a usage is named after its system).
            named = (kind._default_manager.visible_to(user).filter(_union(querysets))
                     .select_related(*name_related(kind))[:NAMED_PER_KIND])
            protected += [f"{label}: {instance}" for instance in named]
        hidden = total - visible
        if hidden:
            protected.append(
                _("%(kind)s: %(count)s, som du ikke har adgang til")
                % {"kind": label, "count": hidden}
            )
    return removed, sorted(protected)


def _union(querysets) -> Q:
    return reduce(or_, (Q(pk__in=queryset.values("pk")) for queryset in querysets))


def _walk(model, rows, path, removed, protected) -> None:
    """Add to `removed` / `protected` (kind -> querysets) what deleting `rows` (a
    queryset of `model`) cascades to and what it is held by, as the collector would."""
    opts = model._meta
    if opts.parents:
        raise _NotModelled
    for relation in get_candidate_relations_to_delete(opts):
        field = relation.field
        on_delete = field.remote_field.on_delete
        if on_delete in (DO_NOTHING, SET_NULL, SET_DEFAULT) or (
            getattr(on_delete, "__name__", "") == "set_on_delete"  # models.SET(...)
        ):
            continue  # the referring rows stay; nothing to show
        kind = relation.related_model
        referring = kind._base_manager.filter(**{f"{field.name}__in": rows.values("pk")})
        if on_delete is PROTECT:
            protected[kind].append(referring)
        elif on_delete is CASCADE:
            _cascade(kind, referring, path, removed, protected)
        else:
            raise _NotModelled
    for field in opts.private_fields:
        if isinstance(field, GenericRelation):
            content_type = ContentType.objects.get_for_model(
                model, for_concrete_model=field.for_concrete_model
            )
            kind = field.related_model
            referring = kind._base_manager.filter(**{
                field.content_type_field_name: content_type,
                f"{field.object_id_field_name}__in": rows.values("pk"),
            })
            _cascade(kind, referring, path, removed, protected)
        elif hasattr(field, "bulk_related_objects"):
            raise _NotModelled


def _cascade(kind, rows, path, removed, protected) -> None:
    if kind in path:
        raise _NotModelled  # a cycle: the collector follows it row by row
    removed[kind].append(rows)
    _walk(kind, rows, (*path, kind), removed, protected)


def _collected_summary(obj, user) -> tuple[list[Removed], list[str]]:
    """The summary from Django's deletion collector, which loads every related object:
    for schemas the walk above does not model."""
    collector = NestedObjects(using=router.db_for_write(type(obj)))
    collector.collect([obj])
    removed = [
        Removed(capfirst(model._meta.verbose_name_plural), len(instances))
        for model, instances in collector.model_objs.items()
        if model is not type(obj) and instances
    ]
    removed.sort(key=lambda item: item.label)
    by_model: dict[type[models.Model], list] = defaultdict(list)
    for instance in list(collector.protected)[:NAMED_PER_KIND]:
        by_model[type(instance)].append(instance)
    protected = []
    for model, instances in by_model.items():
        manager = model._default_manager
        visible = (
            {o.pk: o for o in manager.visible_to(user)
             .filter(pk__in=[i.pk for i in instances])
             .select_related(*name_related(model))}
            if hasattr(manager, "visible_to")
            else {}
        )
        label = capfirst(model._meta.verbose_name)
        protected += [f"{label}: {visible[i.pk]}" for i in instances if i.pk in visible]
        hidden = sum(1 for i in instances if i.pk not in visible)
        if hidden:
            protected.append(
                _("%(kind)s: %(count)s, som du ikke har adgang til")
                % {"kind": label, "count": hidden}
            )
    return removed, sorted(protected)
