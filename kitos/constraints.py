"""Where a broken constraint's message belongs.

Each model constraint carries its own Danish ``violation_error_message``: the portal's
forms, the API and the Excel import all show that one text. Django reports a broken
CHECK constraint as an error of the whole object; ``condition_field`` names the field
the rule is about (the first one its condition names: ``expiry_date`` for "expiry on or
after start"), so the error can be shown next to that field instead — by the models
(``PublicIdModel.validate_constraints``) and by the import engine alike.
"""

from __future__ import annotations

import copy

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    ObjectDoesNotExist,
    ValidationError,
)
from django.db import models, router
from django.db.models import Q


def condition_field(condition: Q) -> str | None:
    """The first field a constraint's condition names (``"expiry_date"`` for
    ``Q(expiry_date__isnull=True) | Q(expiry_date__gte=F("start_date"))``), or None."""
    for child in condition.children:
        if isinstance(child, Q):
            found = condition_field(child)
            if found:
                return found
        else:
            return child[0].split("__")[0]
    return None


def error_field(model: type[models.Model], constraint, error: ValidationError) -> str | None:
    """The field a constraint's error belongs to, or None for the object as a whole.

    A unique constraint on one field: that field (Django's own rule, when the error's
    code is ``unique``). A check constraint: the concrete field its condition names."""
    if isinstance(constraint, models.CheckConstraint):
        name = condition_field(constraint.condition)
        if not name:
            return None
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None  # "pk" and other names that are not a field of their own
        return field.name if field.concrete else None
    fields = getattr(constraint, "fields", ())
    if getattr(error, "code", None) == "unique" and len(fields) == 1:
        return fields[0]
    return None


def validate_constraints(instance: models.Model, exclude=None) -> None:
    """``Model.validate_constraints`` with each error on the field it is about (see
    ``error_field``); everything else as Django does it.

    A check constraint whose condition names an excluded field is skipped by Django, so
    the field an error lands on is never one a model form left out."""
    using = router.db_for_write(type(instance), instance=instance)
    errors: dict = {}
    for model_class, constraints in instance.get_constraints():
        for constraint in constraints:
            try:
                constraint.validate(model_class, instance, exclude=exclude, using=using)
            except ValidationError as error:
                name = error_field(model_class, constraint, error)
                if name:
                    errors.setdefault(name, []).append(error)
                else:
                    errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def errors_beside(
    instance: models.Model, values: dict, *, failed, organisation=None, exclude_missing=True,
) -> dict:
    """The model's own errors (constraints, ``clean``) for the values that passed their
    field checks, when other values did not: so a form or an API call shows every error
    on the first submit, not the model's only on the second.

    ``instance`` is not changed (a copy gets ``values``); fields in ``failed`` and (with
    ``exclude_missing``, as Django's model forms do) fields not in ``values`` are
    excluded, so a rule about a field the user got wrong (or cannot set) waits for that
    field. Without ``exclude_missing`` (an API call: what is not sent keeps its default
    or stored value) the rules see the whole object. Returns {field or
    NON_FIELD_ERRORS: [messages]} about the given fields only."""
    candidate = copy.copy(instance)
    candidate._state = copy.copy(instance._state)
    for name, value in values.items():
        setattr(candidate, name, value)
    if (
        organisation is not None
        and any(f.name == "organisation" for f in candidate._meta.concrete_fields)
        and candidate.organisation_id is None
    ):
        candidate.organisation = organisation
    names = {field.name for field in candidate._meta.get_fields()}
    exclude = ((names - set(values)) if exclude_missing else set()) | set(failed)
    try:
        candidate.full_clean(exclude=exclude)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            return {NON_FIELD_ERRORS: error.messages}
        return {
            name: messages for name, messages in error.message_dict.items()
            if name not in failed and (name in values or name == NON_FIELD_ERRORS)
        }
    except (ObjectDoesNotExist, ValueError, TypeError):
        # A rule that needs what the failed fields would have given (a parent object,
        # a date to compare with) waits for the second submit.
        return {}
    return {}
