"""Bulk actions on the rows of a list: change a field, give a role, delete, for many
rows in one step.

Apps register what can be done to their lists' rows from ``AppConfig.ready()``
(``register_bulk_action("portfolio.SystemUsage", field_action(...))``); this module
imports no app. The list page (kitos/lists.py) shows a checkbox per row and a bulk bar
to members who may edit in the active organisation; the bar posts to the list's own URL
(so "all rows matching the filter" is the filter in that URL, evaluated again at every
step). The steps are: choose the new value(s) → preview (each row: current → new, or
why it is refused) → *Bekræft*.

The confirmation applies every row inside one transaction, so the audit entries share
the request's group id. A row refused while applying (no rights, a validation error, a
guarded deletion, changed since the preview) is rolled back to its own savepoint and
listed; the others commit together. Any other error rolls back everything.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .links import parse_uuids
from .tenancy import EDITOR, active_organisation, has_role

# The most rows one bulk operation touches (one request, one transaction).
MAX_ROWS = 5000
# Refusals named one by one in the messages after a confirmation (the rest are counted).
SHOWN_REFUSALS = 10


class Refused(Exception):
    """A row that is left as it is, with the reason shown to the user."""


@dataclass(frozen=True)
class Change:
    """What an action does to one row: ``current`` → ``new`` (shown texts), or the
    ``refusal`` why it does not, or nothing (``unchanged``: the row already is so)."""

    current: str = ""
    new: str = ""
    refusal: str = ""
    unchanged: bool = False


@dataclass(frozen=True)
class BulkAction:
    """One thing that can be done to many rows of a list.

    ``form(organisation, data)`` builds the form of the new value(s) with choices of the
    active organisation; ``describe(rows, values)`` gives one Change per row (a few
    queries for all rows, never one per row); ``apply(actor=, row=, values=)`` changes
    one row through the app's service (raising ValidationError / PermissionDenied /
    Refused refuses that row only). ``min_role``: who sees and may run it.
    """

    key: str
    label: str
    form: Callable[..., forms.Form]
    describe: Callable[[Sequence, dict], list[Change]]
    apply: Callable[..., None]
    min_role: str = EDITOR
    destructive: bool = False


_actions: dict[str, dict[str, BulkAction]] = {}


def register_bulk_action(model_label: str, action: BulkAction) -> None:
    """Offer `action` on the list of `model_label` ("app_label.ModelName")."""
    _actions.setdefault(model_label, {})[action.key] = action


def actions_for(model) -> dict[str, BulkAction]:
    return _actions.get(model._meta.label, {})


# -- the actions most lists need ---------------------------------------------------------


class _ValueForm(forms.Form):
    def __init__(self, data=None, *, value_field: forms.Field):
        super().__init__(data)
        self.fields["value"] = value_field


def _shown(row, name: str) -> str:
    display = getattr(row, f"get_{name}_display", None)
    value = display() if display else getattr(row, name)
    return "" if value is None else str(value)


def field_action(
    *,
    key: str,
    label: str,
    model,
    field_name: str,
    update: Callable[..., object],
    choices: Callable | None = None,
    min_role: str = EDITOR,
) -> BulkAction:
    """Set one field of every row to one value. `update(actor=, row=, data=)` is the
    app's update service; a foreign key's options are the active organisation's rows of
    the related model, or `choices(organisation)` when given."""
    model_field = model._meta.get_field(field_name)

    def form(organisation, data=None):
        value_field = model_field.formfield()
        value_field.label = model_field.verbose_name.capitalize()
        if choices is not None:
            value_field.queryset = choices(organisation)
        elif model_field.is_relation:
            value_field.queryset = model_field.related_model.objects.in_organisation(
                organisation
            )
        return _ValueForm(data, value_field=value_field)

    def new_value(values):
        value = values["value"]
        return getattr(value, "pk", value) if model_field.is_relation else value

    def shown_new(values):
        value = values["value"]
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        return "" if value in (None, "") else str(value)

    def describe(rows, values):
        new, shown = new_value(values), shown_new(values)
        attribute = model_field.attname
        changes = []
        for row in rows:
            current = getattr(row, attribute)
            if current == new or (current in (None, "") and new in (None, "")):
                changes.append(Change(unchanged=True))
            else:
                changes.append(Change(current=_shown(row, field_name), new=shown))
        return changes

    def apply(*, actor, row, values):
        update(actor=actor, row=row, data={field_name: values["value"]})

    return BulkAction(key=key, label=label, form=form, describe=describe, apply=apply,
                      min_role=min_role)


class _ConfirmDeleteForm(forms.Form):
    def __init__(self, data=None):
        super().__init__(data)


def delete_action(*, delete: Callable[..., None], label: str = "", min_role: str = EDITOR):
    """Delete the rows through the app's delete service (which refuses rows still in use)."""

    def describe(rows, values):
        return [Change(current=str(row), new=_("Slettes")) for row in rows]

    def apply(*, actor, row, values):
        delete(actor=actor, row=row)

    def form(organisation, data=None):
        return _ConfirmDeleteForm(data)

    return BulkAction(
        key="delete", label=label or gettext_lazy("Slet de valgte"), form=form,
        describe=describe, apply=apply, min_role=min_role, destructive=True,
    )


# -- running an action --------------------------------------------------------------------


@dataclass
class Outcome:
    changed: int = 0
    refusals: list[tuple[str, str]] = field(default_factory=list)  # (row, reason)


def reason_of(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("Du har ikke rettigheder til at ændre dette objekt.")


def apply_each(items, apply: Callable[[object], None], *, name=str) -> Outcome:
    """Call `apply(item)` for every item in one transaction; an item that raises
    Refused, ValidationError or PermissionDenied is rolled back to its own savepoint
    and counted as refused. Any other error rolls back everything."""
    outcome = Outcome()
    with transaction.atomic():
        for item in items:
            try:
                with transaction.atomic():
                    apply(item)
            except (Refused, ValidationError, PermissionDenied) as error:
                outcome.refusals.append((name(item), reason_of(error)))
            else:
                outcome.changed += 1
    return outcome


def report(request, outcome: Outcome, *, unchanged: int = 0) -> None:
    """The messages after a confirmation: "18 ændret, 2 afvist" and the reasons."""
    summary = _("%(changed)s ændret, %(refused)s afvist.") % {
        "changed": outcome.changed, "refused": len(outcome.refusals),
    }
    if unchanged:
        summary += " " + ngettext(
            "%(count)s var allerede sådan.", "%(count)s var allerede sådan.", unchanged
        ) % {"count": unchanged}
    level = messages.WARNING if outcome.refusals else messages.SUCCESS
    messages.add_message(request, level, summary)
    for row, reason in outcome.refusals[:SHOWN_REFUSALS]:
        messages.warning(request, f"{row}: {reason}")
    if len(outcome.refusals) > SHOWN_REFUSALS:
        messages.warning(
            request, _("… og %(count)s flere afviste.") % {
                "count": len(outcome.refusals) - SHOWN_REFUSALS
            }
        )


def fingerprint(row) -> str:
    """What a row looked like at the preview: a row changed since is refused, not
    overwritten."""
    stamp = getattr(row, "updated_at", None)
    return stamp.isoformat() if stamp else ""


def fingerprints_of(rows) -> str:
    return ",".join(f"{row.uuid}@{fingerprint(row)}" for row in rows)


def parse_fingerprints(text: str) -> dict[str, str]:
    pairs = (item.split("@", 1) for item in text.split(",") if "@" in item)
    return {key.strip(): value.strip() for key, value in pairs}


def values_token(values: dict) -> str:
    """The chosen values as previewed: a confirmation with other values (the form was
    edited after the preview) shows the preview again instead of applying them."""
    return "|".join(f"{name}={getattr(value, 'pk', value)}" for name, value in sorted(
        values.items()))


# -- the list's part ------------------------------------------------------------------------


def list_context(view) -> dict | None:
    """The bulk bar of a list, or None (no actions, or the user may not run any)."""
    actions = actions_for(view.model)
    if not actions:
        return None
    organisation = active_organisation(view.request)
    if organisation is None:
        return None
    allowed = [
        action for action in actions.values()
        if has_role(view.request.user, organisation.pk, at_least=action.min_role)
    ]
    if not allowed:
        return None
    return {"actions": allowed, "form_id": f"bulk-{view.list_key}"}


def handle(view, request):
    """A post of the bulk bar or the preview page to the list's URL."""
    back = request.get_full_path()
    organisation = active_organisation(request)
    if organisation is None:
        raise Http404
    action = actions_for(view.model).get(request.POST.get("bulk_action", ""))
    if action is None:
        return HttpResponseBadRequest(
            _("Ukendt massehandling.").encode(), content_type="text/plain; charset=utf-8"
        )
    if not has_role(request.user, organisation.pk, at_least=action.min_role):
        raise PermissionDenied(_("Du har ikke rettigheder til at ændre i denne organisation."))

    everything = request.POST.get("scope") == "all"
    if everything:
        filterset = view.get_filterset()
        if not filterset.is_valid():
            messages.error(request, _("Ret filtrene, før du vælger alle rækker."))
            return redirect(back)
        queryset, asked = filterset.qs, None
    else:
        posted = request.POST.getlist("rows")
        if len(posted) > MAX_ROWS:
            messages.error(request, _("Højst %(max)s rækker ad gangen.") % {"max": MAX_ROWS})
            return redirect(back)
        ids, bad = parse_uuids(posted)
        queryset = view.get_queryset().filter(uuid__in=ids)
        asked = len(ids) + bad
    total = queryset.count()
    if total > MAX_ROWS:
        messages.error(
            request, _("Der er %(count)s rækker; højst %(max)s kan ændres ad gangen. "
                       "Afgræns med filtrene.") % {"count": total, "max": MAX_ROWS}
        )
        return redirect(back)
    if asked is not None and asked > total:
        # Ids of rows the user cannot see (another organisation's) are never applied.
        messages.warning(request, ngettext(
            "%(count)s markeret række findes ikke eller er ikke synlig for dig og er udeladt.",
            "%(count)s markerede rækker findes ikke eller er ikke synlige for dig og er udeladt.",
            asked - total,
        ) % {"count": asked - total})
    if not total:
        messages.error(request, _("Vælg mindst én række."))
        return redirect(back)

    step = request.POST.get("step", "choose")
    form = action.form(organisation, request.POST if step != "choose" else None)
    rows = list(queryset.order_by("pk"))
    changes = []
    if form.is_bound and form.is_valid():
        changes = _changes(action, rows, form.cleaned_data, organisation)
        if step == "confirm" and request.POST.get("values") == values_token(form.cleaned_data):
            return _confirm(view, request, action, rows, changes, form.cleaned_data, back)
    preview = [{"row": row, "change": change, "fingerprint": fingerprint(row)}
               for row, change in zip(rows, changes, strict=False)]
    return TemplateResponse(request, "kitos/bulk_preview.html", {
        "title": view.title,
        "action": action,
        "form": form,
        "everything": everything,
        "row_ids": [] if everything else [str(row.uuid) for row in rows],
        "row_count": len(rows),
        "preview": preview,
        "fingerprints": fingerprints_of(rows),
        "values": values_token(form.cleaned_data) if changes else "",
        "to_change": sum(1 for c in changes if not c.refusal and not c.unchanged),
        "refused": sum(1 for c in changes if c.refusal),
        "unchanged": sum(1 for c in changes if c.unchanged),
        "back": back,
    }, status=400 if form.is_bound and not form.is_valid() else 200)


def _changes(action, rows, values, organisation) -> list[Change]:
    changes = action.describe(rows, values)
    return [
        Change(refusal=_("Hører til en anden organisation end den aktive."))
        if row.organisation_id != organisation.pk else change
        for row, change in zip(rows, changes, strict=True)
    ]


def _confirm(view, request, action, rows, changes, values, back):
    seen = parse_fingerprints(request.POST.get("fingerprints", ""))
    outcome = Outcome()
    to_apply = []
    unchanged = 0
    for row, change in zip(rows, changes, strict=True):
        key = str(row.uuid)
        if key not in seen:
            outcome.refusals.append((str(row), _("Var ikke med i forhåndsvisningen.")))
        elif seen[key] != fingerprint(row):
            outcome.refusals.append((str(row), _("Ændret af en anden siden forhåndsvisningen.")))
        elif change.refusal:
            outcome.refusals.append((str(row), change.refusal))
        elif change.unchanged:
            unchanged += 1
        else:
            to_apply.append(row)

    def apply(row):
        # Locked and compared again inside the transaction: a change that lands between
        # the read above and this write is refused too.
        locked = type(row).objects.select_for_update().filter(pk=row.pk)
        stamp = locked.values_list("updated_at", flat=True).first() if hasattr(
            row, "updated_at") else None
        if stamp is not None and stamp.isoformat() != seen[str(row.uuid)]:
            raise Refused(_("Ændret af en anden siden forhåndsvisningen."))
        action.apply(actor=request.user, row=row, values=values)

    applied = apply_each(to_apply, apply)
    outcome.changed = applied.changed
    outcome.refusals += applied.refusals
    report(request, outcome, unchanged=unchanged)
    return redirect(back)
