"""What keeps a form page cheap (issue #19): each distinct choice list is read once per
form, however many fields offer it, and the object's current many-to-many values are
read in one query for all its link fields.

Django reads the options of every choice field in a query of its own when the field is
rendered (``ModelChoiceIterator`` uses ``queryset.iterator()``, which never keeps its
rows), so a form whose owner and manager both offer the organisation's persons reads
them twice, and ``model_to_dict`` reads each many-to-many value of the object in a
query of its own. Both stay what Django does for a field: the same options, in the
same order, validated against the same queryset (the validation queries are not
touched; they only run on a submit).
"""

from __future__ import annotations

from contextlib import contextmanager

from django import forms
from django.core.exceptions import EmptyResultSet
from django.db import models


class SharedChoiceIterator(forms.models.ModelChoiceIterator):
    """The options of a choice field, read through the form's cache of choice lists:
    fields whose querysets run the same SQL share one read."""

    def _objects(self) -> list | None:
        cache = getattr(self.field, "shared_choices", None)
        if cache is None:
            return None
        key = choices_key(self.queryset)
        if key is None:
            return None
        if key not in cache:
            cache[key] = list(self.queryset.all())
        return cache[key]

    def __iter__(self):
        objects = self._objects()
        if objects is None:
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in objects:
            yield self.choice(obj)

    def __len__(self):
        objects = self._objects()
        if objects is None:
            return super().__len__()
        return len(objects) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        objects = self._objects()
        if objects is None:
            return super().__bool__()
        return self.field.empty_label is not None or bool(objects)


def choices_key(queryset) -> tuple | None:
    """What makes two choice querysets give the same rows: the model, the SQL with its
    parameters and what is prefetched. None when it cannot be told (an empty queryset
    has no SQL): such a field reads its own options, as Django does."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    return (
        queryset.model,
        queryset.db,
        sql,
        repr(params),
        repr(queryset._prefetch_related_lookups),
    )


def share_choices(field: forms.Field, cache: dict) -> None:
    """Let a model choice field read its options through `cache` (one per form). Costs
    no query: the options are read when the field is first rendered."""
    if not isinstance(field, forms.ModelChoiceField) or hasattr(field, "form_options"):
        return  # an option field reads its choices with the form's other option lists
    if getattr(field, "shared_choices", None) is cache:
        return
    field.shared_choices = cache
    field.iterator = SharedChoiceIterator
    # The widget holds the iterator made when the queryset was set.
    field.widget.choices = field.choices


def current_links(instance, names, extra: dict | None = None) -> dict[str, list]:
    """The primary keys each many-to-many field in `names` of `instance` points at, and
    the rows of `extra` (name -> a ``values_list`` of two columns: id and one value),
    read in one query (a UNION of the link tables) instead of one per field.

    Returns name -> [pk, ...] for the fields and name -> [(id, value), ...] for `extra`.
    """
    parts = []
    opts = instance._meta
    for name in names:
        field = opts.get_field(name)
        through = field.remote_field.through
        source = field.m2m_field_name()
        target = field.m2m_reverse_field_name()
        parts.append(
            through._default_manager.filter(**{source: instance.pk})
            .order_by()
            .annotate(_link=models.Value(name, output_field=models.CharField()),
                      _extra=models.Value("", output_field=models.CharField()))
            .values_list("_link", target, "_extra")
        )
    for name, queryset in (extra or {}).items():
        id_column, value_column = queryset._fields
        parts.append(
            queryset.order_by()
            .annotate(_link=models.Value(name, output_field=models.CharField()),
                      _extra=models.functions.Cast(value_column, models.CharField()))
            .values_list("_link", id_column, "_extra")
        )
    result: dict[str, list] = {name: [] for name in names}
    result.update({name: [] for name in extra or {}})
    if not parts:
        return result
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    for name, pk, value in query:
        result[name].append((pk, value) if name in (extra or {}) else pk)
    return result


@contextmanager
def current_links_read_once(form, instance):
    """While a model form is made (``model_to_dict``), its instance's many-to-many
    values come from one query (`current_links`) with the rows of the form's
    ``links_read_with_form(instance)``, kept in ``form.current_links``. The field's
    initial value is then the primary keys, which is all a choice field shows and
    compares. The instance is left as it was."""
    form.current_links = {}
    if instance is None or instance.pk is None:
        yield
        return
    fields = getattr(form._meta, "fields", None)
    exclude = getattr(form._meta, "exclude", None) or ()
    cached = getattr(instance, "_prefetched_objects_cache", {})
    names = [
        field.name for field in instance._meta.many_to_many
        if field.editable and (fields is None or field.name in fields)
        and field.name not in exclude and field.name not in cached
    ]
    form.current_links = current_links(instance, names, form.links_read_with_form(instance))
    added = []
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    for name in names:
        # What the related manager's all() answers while model_to_dict reads it.
        instance._prefetched_objects_cache[name] = form.current_links[name]
        added.append(name)
    try:
        yield
    finally:
        for name in added:
            instance._prefetched_objects_cache.pop(name, None)
