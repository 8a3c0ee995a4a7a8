"""The organisation's option lists (valglister): every member sees what the organisation
is offered; its admins switch entries off and on, describe them in their own words and
order them (kitos.options.adapt_options)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    OuterRef,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from . import options
from .models import LocalOption, Option
from .tenancy import ADMIN
from .views import OrganisationFromUrlMixin

DESCRIPTION_MAX = 2000


class OptionListsMixin(OrganisationFromUrlMixin):
    edit_role = ADMIN
    permission_denied_message = gettext_lazy(
        "Kun organisationens administratorer kan tilpasse valglisterne."
    )


class OptionKindListView(OptionListsMixin, TemplateView):
    """Every option list, grouped by area, with how many of its entries the organisation
    is offered (one query for all lists)."""

    template_name = "kitos/option_kinds.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        numbers = {
            row["kind"]: row
            for row in Option.objects.filter(is_enabled=True).order_by().values("kind")
            .annotate(total=Count("pk"),
                      offered=Count("pk", filter=options.offered_q(self.organisation)))
        }
        groups: dict[str, list] = {}
        for kind in options.kinds():
            row = numbers.get(kind.key, {"total": 0, "offered": 0})
            groups.setdefault(kind.group, []).append(
                {"kind": kind, "total": row["total"], "offered": row["offered"],
                 "url": reverse("option_kind", args=[self.organisation.slug, kind.key])})
        context.update(groups=groups, can_edit=self.can_edit)
        return context


class OptionKindForm(forms.Form):
    """One row per option: offered, own description, own order. Each field carries the
    value the admin saw (``show_hidden_initial``), so that only what this admin changed
    is saved: a row another admin changed meanwhile, or an entry added to the standard
    list after the page was opened, keeps what it has."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for option in rows:
            prefix = str(option.uuid)
            self.fields[f"active-{prefix}"] = forms.BooleanField(
                required=False, label=_("Tilbydes"), initial=option.is_offered,
                disabled=option.is_obligatory, show_hidden_initial=True,
            )
            self.fields[f"description-{prefix}"] = forms.CharField(
                required=False, max_length=DESCRIPTION_MAX, label=_("Egen beskrivelse"),
                initial=option.own_description, widget=forms.Textarea(attrs={"rows": 2}),
                show_hidden_initial=True,
            )
            self.fields[f"order-{prefix}"] = forms.IntegerField(
                required=False, min_value=0, max_value=9999, label=_("Egen placering"),
                initial=option.own_order, show_hidden_initial=True,
            )

    def adaptations(self) -> dict:
        """The rows this admin changed, each with its other values as they are now."""
        data, changed = self.cleaned_data, set(self.changed_data)
        wanted = {}
        for option in self.rows:
            names = {key: f"{key}-{option.uuid}" for key in ("active", "description", "order")}
            if not changed & set(names.values()):
                continue

            def value(key, current, names=names):
                return data[names[key]] if names[key] in changed else current

            wanted[option] = options.Adaptation(
                is_active=option.is_obligatory or value("active", option.is_offered),
                description=value("description", option.own_description),
                sort_order=value("order", option.own_order),
            )
        return wanted

    def row_fields(self):
        """(option, offered field, description field, order field) per row."""
        return [
            (option, self[f"active-{option.uuid}"], self[f"description-{option.uuid}"],
             self[f"order-{option.uuid}"])
            for option in self.rows
        ]


class OptionKindView(OptionListsMixin, TemplateView):
    """One list: its entries in the organisation's order, what the organisation changed,
    and (for admins) the form to change it."""

    template_name = "kitos/option_kind.html"

    @cached_property
    def kind(self) -> options.OptionKind:
        try:
            return options.kind(self.kwargs["kind"])
        except LookupError as error:
            raise Http404 from error

    def rows(self) -> list[Option]:
        """The list's entries in the organisation's order, each with `is_offered` and the
        organisation's own description and order (`own_description`, `own_order`)."""
        local = LocalOption.objects.filter(organisation=self.organisation, option=OuterRef("pk"))
        return list(
            options.ordered_for(Option.objects.filter(kind=self.kind.key, is_enabled=True),
                                self.organisation)
            .annotate(
                is_offered=ExpressionWrapper(options.offered_q(self.organisation),
                                             output_field=BooleanField()),
                own_description=Coalesce(Subquery(local.values("description")[:1]), Value(""),
                                         output_field=TextField()),
                own_order=Subquery(local.values("sort_order")[:1]),
            )
        )

    def get(self, request, *args, **kwargs):
        rows = self.rows()
        form = OptionKindForm(rows=rows) if self.can_edit else None
        return self.render_to_response(self.get_context_data(rows=rows, form=form))

    def post(self, request, *args, **kwargs):
        self.require_edit()
        rows = self.rows()
        form = OptionKindForm(request.POST, rows=rows)
        if form.is_valid():
            try:
                changed = options.adapt_options(
                    actor=request.user, organisation=self.organisation, key=self.kind.key,
                    adaptations=form.adaptations(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if changed:
                    messages.success(request, _(
                        "Valglisten “%(list)s” er gemt (%(count)s ændret)."
                    ) % {"list": self.kind.label, "count": changed})
                else:
                    messages.info(request, _("Der var ingen ændringer at gemme."))
                return redirect("option_kind", self.organisation.slug, self.kind.key)
        return self.render_to_response(self.get_context_data(rows=rows, form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(kind=self.kind, can_edit=self.can_edit,
                       kinds_url=reverse("option_kinds", args=[self.organisation.slug]))
        return context

