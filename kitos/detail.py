"""Detail pages with tabs, the history tab, and the create / edit / delete forms.

A detail page is a short declaration: a ``TabbedDetailView`` naming its model and its
``Tab``s; a tab's extra context comes from the view's ``<tab.name>_context`` method and
its panel from the tab's template. Each tab has its own URL (``?tab=roller``): without
JavaScript the link loads the page, with htmx only the tab block is swapped in.

Forms never write: the views hand the cleaned values to the services (the same ones the
API and the importers use), and the services' validation errors are shown on the fields.
Every choice in a form is scoped to the organisation the object belongs to.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.core.paginator import Paginator
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, TemplateView
from django.views.generic.detail import SingleObjectMixin

from . import hooks, options
from .constraints import errors_beside
from .db import name_related
from .deletion import deletion_summary
from .forms import current_links_read_once, share_choices
from .links import model_url, object_url
from .models import AuditEntry
from .services import create_object, delete_object, update_object
from .tenancy import (
    EDITOR,
    ROLES_AT_LEAST,
    SharedCatalogModel,
    active_organisation,
    has_role,
    organisation_ids,
    user_organisations,
)

HISTORY_PAGE_SIZE = 25
# Fields whose change says nothing to a reader of the history (the public id is set once).
HISTORY_HIDDEN = {"uuid"}
# Changes recorded under a name that is not a field: the field whose values they hold
# and their label (contracts.services.contract_set_coverage records "main_for").
HISTORY_ALIASES = {"main_for": ("usages", gettext_lazy("Hovedkontrakt for"))}
TAB_PARAMETER = "tab"
HISTORY_PAGE_PARAMETER = "side"



def can_edit(user, obj) -> bool:
    """Whether `user` may change `obj` (its edit policy: editors, admins for the shared
    catalog). The services check the same; this only decides which buttons to show."""
    if has_role(user, obj.owning_organisation_id, at_least=obj.edit_role):
        return True
    # Objects some may edit beyond their organisation's roles (a supplier's users editing
    # their own catalog entries: portfolio.rights_holders) answer for themselves.
    extra = getattr(obj, "editable_as_rights_holder", None)
    return bool(extra and extra(user))


class VisibleObjectMixin(LoginRequiredMixin, SingleObjectMixin):
    """The object by its public id, among those the user may see: other organisations'
    objects are 404, as if they did not exist."""

    slug_field = "uuid"
    slug_url_kwarg = "uuid"
    related = ()
    prefetch = ()

    def get_queryset(self):
        return (
            self.model.objects.visible_to(self.request.user)
            .select_related(*self.related)
            .prefetch_related(*self.prefetch)
        )


# -- values shown on pages -----------------------------------------------------------------


def _display_date(value) -> str:
    return formats.date_format(value)


def _display_money(value) -> str:
    return formats.number_format(value, 2, use_l10n=True, force_grouping=True)


@dataclass(frozen=True)
class Fact:
    """One labelled value of an object's overview; `links` for related objects."""

    label: str
    text: str = ""
    links: tuple = ()  # (text, url or None) pairs
    url: str = ""  # an external link (a URL field)


def field_facts(obj, names: Iterable[str]) -> list[Fact]:
    """The named fields of `obj` as labelled values, in Danish: choices by their label,
    dates written out, related objects linked to their pages. Related objects must be
    select_related / prefetched by the view (no query here)."""
    facts = []
    for name in names:
        model_field = obj._meta.get_field(name)
        label = capfirst(model_field.verbose_name)
        if model_field.many_to_many:
            related = list(getattr(obj, name).all())
            facts.append(Fact(label, links=tuple((str(r), object_url(r)) for r in related)))
            continue
        value = getattr(obj, name)
        if model_field.is_relation:
            links = ((str(value), object_url(value)),) if value is not None else ()
            facts.append(Fact(label, links=links))
        elif isinstance(model_field, models.URLField):
            facts.append(Fact(label, text=value, url=value))
        else:
            facts.append(Fact(label, text=display_value(model_field, value)))
    return facts


def display_value(model_field, value) -> str:
    """A field value as a person reads it ("" for nothing)."""
    if value is None or value == "":
        return ""
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if isinstance(model_field, models.DateField) and not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
    if isinstance(value, datetime.date):
        return _display_date(value)
    if isinstance(model_field, models.DecimalField) or isinstance(value, decimal.Decimal):
        try:
            return _display_money(decimal.Decimal(str(value)))
        except decimal.InvalidOperation:
            return str(value)
    return str(value)


# -- history -------------------------------------------------------------------------------


@dataclass
class HistoryRow:
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    entry: AuditEntry
    rows: list[HistoryRow] = field(default_factory=list)


def _field_or_none(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _ids(value) -> list[int]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, int) and not isinstance(v, bool)]
    return []


def history_entries(model, entries: list[AuditEntry]) -> list[HistoryEntry]:
    """The audit entries of one object with their field changes in words: labels from
    the model, choices by label, related objects by name. Names of related objects are
    read with one query per related model, whatever the number of entries."""
    wanted: dict[type[models.Model], set[int]] = defaultdict(set)
    for entry in entries:
        for name, pair in (entry.changes or {}).items():
            model_field = _field_or_none(model, HISTORY_ALIASES.get(name, (name,))[0])
            if model_field is not None and model_field.is_relation and isinstance(pair, list):
                for value in pair:
                    wanted[model_field.related_model].update(_ids(value))
    names: dict[type[models.Model], dict[int, str]] = {}
    for related_model, ids in wanted.items():
        rows = related_model._base_manager.filter(pk__in=ids).select_related(
            *name_related(related_model)
        )
        names[related_model] = {obj.pk: str(obj) for obj in rows}

    def show(model_field, value) -> str:
        if model_field is not None and model_field.is_relation:
            known = names.get(model_field.related_model, {})
            ids = _ids(value)
            if ids or value == []:
                return ", ".join(
                    known.get(pk, _("#%(id)s (slettet)") % {"id": pk}) for pk in ids
                )
        if isinstance(value, list | dict):
            return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        return display_value(model_field, value)

    result = []
    for entry in entries:
        rows = []
        for name, pair in sorted((entry.changes or {}).items()):
            if name in HISTORY_HIDDEN:
                continue
            field_name, label = HISTORY_ALIASES.get(name, (name, None))
            model_field = _field_or_none(model, field_name)
            if label is None:
                label = capfirst(model_field.verbose_name) if model_field is not None else name
            before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            before, after = show(model_field, before), show(model_field, after)
            if before != after:  # "" and None read the same
                rows.append(HistoryRow(label, before, after))
        result.append(HistoryEntry(entry, rows))
    return result


# -- detail pages --------------------------------------------------------------------------


@dataclass(frozen=True)
class Tab:
    """A tab of a detail page: ``slug`` in the URL, ``name`` of the view's context
    method (``<name>_context``), the template of its panel."""

    slug: str
    label: str
    name: str
    template: str


def tab_of(view_class, name: str) -> Tab:
    """The tab `name` of a detail view, for another app to add panels to it."""
    return next(tab for tab in view_class.tabs if tab.name == name)


def overview_tab(template: str) -> Tab:
    return Tab("overblik", gettext_lazy("Overblik"), "overview", template)


HISTORY_TAB = Tab("historik", gettext_lazy("Historik"), "history", "kitos/_history.html")
# The slug of the Roles tab (roles/tabs.py): tabs other apps add come before it.
ROLES_SLUG = "roller"
# The template of a tab made of panels that apps add (kitos.hooks.add_detail_panel).
PANELS_TEMPLATE = "kitos/_panels.html"


def is_tab_request(request) -> bool:
    """An htmx request for the tab block only (not a history restore, which needs the
    whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Target") == "detail-tabs"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


class TabbedDetailView(VisibleObjectMixin, DetailView):
    """A detail page with tabs. Subclasses set ``model``, ``tabs``, ``related`` /
    ``prefetch`` for the object, and a ``<tab.name>_context`` method per tab that needs
    more than the object."""

    template_name = "kitos/detail.html"
    tabs: tuple[Tab, ...] = ()

    def get(self, request, *args, **kwargs):
        self.tab = self.active_tab()
        # The header's query (the user's organisations with their roles) first: it
        # answers every permission check of the page (can_edit, the panels' buttons)
        # that would otherwise ask the database one by one.
        user_organisations(request)
        return super().get(request, *args, **kwargs)

    @cached_property
    def all_tabs(self) -> tuple[Tab, ...]:
        """The view's tabs with those other apps add (kitos.hooks.add_detail_panel),
        placed before the Roles and History tabs. Panels added to one of the view's own
        tabs are shown where that tab's template includes their slot."""
        tabs = list(self.tabs)
        for tab in hooks.added_tabs(self.model):
            slugs = [existing.slug for existing in tabs]
            if tab.slug in slugs:  # panels on a tab of the view's own
                continue
            at = next((slugs.index(s) for s in (ROLES_SLUG, HISTORY_TAB.slug) if s in slugs),
                      len(tabs))
            tabs.insert(at, tab)
        return tuple(tabs)

    def active_tab(self) -> Tab:
        slug = self.request.GET.get(TAB_PARAMETER) or self.all_tabs[0].slug
        for tab in self.all_tabs:
            if tab.slug == slug:
                return tab
        raise Http404(_("Fanebladet findes ikke."))

    def get_template_names(self):
        if is_tab_request(self.request):
            return ["kitos/_tabbed.html"]
        return [self.template_name]

    def get_gaps(self) -> list:
        """What the gap rules find missing on this object, with where to fix it, shown
        above the tabs (kitos.hooks: the app that owns the rules registers them)."""
        return hooks.object_gaps(self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, obj = self.request.user, self.object
        context.update(
            today=timezone.localdate(),
            tabs=self.all_tabs,
            tab=self.tab,
            can_edit=can_edit(user, obj),
            can_assign_roles=getattr(type(obj), "role_target", None) is not None
            and has_role(user, obj.owning_organisation_id, at_least=EDITOR),
            update_url=object_url(obj, "update"),
            delete_url=object_url(obj, "delete"),
            list_url=model_url(type(obj)),
            verbose_name=obj._meta.verbose_name,
            verbose_name_plural=obj._meta.verbose_name_plural,
            # The gaps sit above the tabs, so a tab swap does not need them.
            gaps=[] if is_tab_request(self.request) else self.get_gaps(),
            object_links=[] if is_tab_request(self.request) else hooks.object_links(user, obj),
        )
        tab_context = getattr(self, f"{self.tab.name}_context", None)
        if tab_context is not None:
            context.update(tab_context())
        # What higher apps show on this tab (e.g. the alert log on a contract).
        context.update(hooks.detail_context(user, obj, self.tab.name))
        context["panel_templates"] = hooks.panel_templates(obj, self.tab)
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        patch_vary_headers(response, ("HX-Request", "HX-Target"))
        return response

    # Shared tabs.

    def history_context(self) -> dict:
        # A shared catalog entry's history is read by everyone who sees the entry (the
        # page is 404 otherwise): municipalities see what the keeper or the supplier
        # (rights-holder access) changed.
        entries = AuditEntry.objects.for_object(self.object)
        if not (isinstance(self.object, SharedCatalogModel) and not self.object.is_local):
            entries = entries.visible_to(self.request.user)
        paginator = Paginator(entries.for_list(), HISTORY_PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get(HISTORY_PAGE_PARAMETER))
        return {
            "history_page": page,
            "history": history_entries(self.model, list(page.object_list)),
        }


# -- forms ---------------------------------------------------------------------------------


def editable_organisations(user, role: str = EDITOR, *, request=None) -> list:
    """The organisations in which `user` may create objects needing `role`. With the
    `request`, from the organisations the page header reads anyway (no query of its own)."""
    from django.apps import apps

    organisation_model = apps.get_model("kitos", "Organisation")
    if not user.is_authenticated:
        return []
    if request is not None and not user.is_superuser:
        return [
            organisation for organisation in user_organisations(request)
            if organisation.membership_role in ROLES_AT_LEAST[role]
        ]
    queryset = organisation_model.objects.order_by("name")
    if not user.is_superuser:
        queryset = queryset.filter(pk__in=organisation_ids(user, at_least=role))
    return list(queryset)


def scope_choices(queryset, *, user, organisation):
    """The objects a form in `organisation` may point at, among those `user` sees:
    the organisation's own objects, shared catalog entries (and its own local ones), and
    standard reference data (and its own additions)."""
    model = queryset.model
    manager = model._default_manager
    scoped = manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()
    organisation_id = getattr(organisation, "pk", None)
    if issubclass(model, SharedCatalogModel):
        scoped = scoped.usable_by(organisation_id)
    elif _field_or_none(model, "organisation") is not None:
        if model._meta.get_field("organisation").null:
            scoped = scoped.filter(
                Q(organisation__isnull=True) | Q(organisation_id=organisation_id)
            )
        else:
            scoped = scoped.filter(organisation_id=organisation_id)
    elif hasattr(scoped, "organisation_path") and scoped.organisation_path != "organisation":
        scoped = scoped.filter(**{scoped.organisation_path: organisation_id})
    return scoped.select_related(*name_related(model))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def normalise_amount(text: str) -> str:
    """An amount typed the Danish way ("1.250.000,50", "1 250 000") as Python reads it
    ("1250000.50"); other text is left for the field to refuse."""
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in text:
        return text.replace(".", "").replace(",", ".")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
        return text.replace(".", "")
    return text


class ScopedModelForm(forms.ModelForm):
    """A model form whose choices are scoped to one organisation and which leaves the
    validation of the object to the service (it runs ``full_clean``); the view applies
    the service's errors to the fields."""

    def __init__(self, *args, user, organisation, **kwargs):
        with current_links_read_once(self, kwargs.get("instance")):
            super().__init__(*args, **kwargs)
        self.user, self.organisation = user, organisation
        # Each distinct choice list is read once per form (kitos/forms.py).
        self.choices_cache: dict = {}
        amounts = [n for n, f in self.fields.items() if isinstance(f, forms.DecimalField)]
        if self.is_bound and amounts:
            self.data = self.data.copy()
            for name in amounts:
                if isinstance(self.data.get(name), str):
                    self.data[name] = normalise_amount(self.data[name])
        option_fields = {name: key for name, key in
                         getattr(self._meta.model, "option_fields", {}).items()
                         if name in self.fields}
        form_options = options.FormOptions(
            organisation, option_fields.values(),
            [pk for name in option_fields for pk in self._current_options(name)])
        for name, form_field in self.fields.items():
            if name in option_fields:
                # The organisation's list in its order; a value the object has keeps
                # being offered after the list stops offering it (kitos.options). All
                # the form's lists are read in one query.
                form_field.queryset = options.offered(
                    option_fields[name], organisation, keep=self._current_options(name))
                options.use_form_options(form_field, key=option_fields[name],
                                         form_options=form_options)
            elif isinstance(form_field, forms.ModelChoiceField):
                form_field.queryset = scope_choices(
                    form_field.queryset, user=user, organisation=organisation
                )
                if isinstance(form_field.widget, forms.Select):
                    # Searchable as the user types (static/js/pickers.js); the plain
                    # select with every option stays the form without JavaScript.
                    form_field.widget.attrs["data-picker"] = ""
            if isinstance(form_field, forms.DateField):
                form_field.widget = DateInput()
            if isinstance(form_field, forms.DecimalField):
                # Amounts are shown and typed the Danish way ("1.250.000,50").
                form_field.localize = True
                form_field.widget = forms.TextInput(attrs={"inputmode": "decimal"})
                form_field.widget.is_localized = True
            if isinstance(form_field, forms.ModelMultipleChoiceField):
                form_field.widget.attrs.setdefault("size", 8)
                if not form_field.help_text:
                    form_field.help_text = _("Hold Ctrl (Cmd på Mac) nede for at vælge flere.")
                    if self.auto_id:
                        # The picker hides this help: there one types and picks instead.
                        form_field.widget.attrs["data-picker-help"] = (
                            f"{self.auto_id % self.add_prefix(name)}_helptext"
                        )
            if isinstance(form_field.widget, forms.Textarea):
                form_field.widget.attrs["rows"] = 4

    # Optional ((legend, [field names]), ...) to show the fields in groups.
    fieldsets: tuple = ()

    def _current_options(self, name) -> list:
        """The ids of the options field `name` of the object holds now."""
        value = self.initial.get(name)
        if value is None:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [getattr(item, "pk", item) for item in values]

    def __getitem__(self, name):
        # Every rendering reaches a field here (after any subclass has set its queryset).
        share_choices(self.fields[name], self.choices_cache)
        return super().__getitem__(name)

    def links_read_with_form(self, instance) -> dict:
        """Extra link rows of `instance` to read with the object's many-to-many values (one query,
        kitos.forms.current_links): name -> ``values_list(id, value)``; the form finds
        them in ``self.current_links``."""
        return {}

    def groups(self):
        """The visible fields in their fieldsets ([(None, all fields)] without any)."""
        if not self.fieldsets:
            return [(None, self.visible_fields())]
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]

    def _post_clean(self):
        # No construct_instance / full_clean on the form's instance: the service validates
        # (the same rules for the API and the import) and the object is changed only by
        # the service. But when some fields are wrong the service is never called, so the
        # model's rules about the other fields are checked here, on a copy: every error
        # shows on the first submit.
        if not self._errors:
            return
        values = {
            name: value for name, value in self.field_data().items() if name not in self._errors
        }
        errors = errors_beside(
            self.instance, values, failed=set(self._errors),
            organisation=getattr(self, "organisation", None),
        )
        for name, field_errors in errors.items():
            target = name if name in self.fields else None
            for message in field_errors:
                if message not in self.errors.get(target or NON_FIELD_ERRORS, ()):
                    self.add_error(target, message)

    def model_field_names(self) -> list[str]:
        names = []
        for name in self.cleaned_data:
            model_field = _field_or_none(self._meta.model, name)
            if model_field is not None and model_field.concrete and not model_field.many_to_many:
                names.append(name)
        return names

    def field_data(self) -> dict:
        """The cleaned values of the model's own fields (field -> value)."""
        return {name: self.cleaned_data[name] for name in self.model_field_names()}

    def m2m_data(self) -> dict:
        """The cleaned values of the model's many-to-many fields with automatic link
        tables (the services set them)."""
        data = {}
        for name in self.cleaned_data:
            model_field = _field_or_none(self._meta.model, name)
            if model_field is not None and model_field.many_to_many:
                data[name] = list(self.cleaned_data[name])
        return data


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names when the form
    has that field, otherwise at the top."""
    if hasattr(error, "error_dict"):
        for name, field_errors in error.message_dict.items():
            target = name if name in form.fields else None
            for message in field_errors:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class ServiceFormView(LoginRequiredMixin, FormView):
    """Create or edit through a service; subclasses implement ``save(form)``."""

    template_name = "kitos/object_form.html"
    model = None
    success_tab = ""

    def save(self, form):
        raise NotImplementedError

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, organisation=self.organisation)
        return kwargs

    def form_valid(self, form):
        try:
            with transaction.atomic():
                obj = self.save(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        except IntegrityError:
            form.add_error(
                None,
                _("Ændringen strider mod en regel i databasen, fx et navn der allerede findes."),
            )
            return self.form_invalid(form)
        messages.success(self.request, self.success_message(obj))
        return redirect(self.success_url_for(obj))

    def success_url_for(self, obj) -> str:
        url = object_url(obj) or reverse("home")
        return f"{url}?tab={self.success_tab}" if self.success_tab else url

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            verbose_name=self.model._meta.verbose_name,
            verbose_name_plural=self.model._meta.verbose_name_plural,
            list_url=model_url(self.model),
            organisation=self.organisation,
        )
        return context


# A form opened from another page (a gap's *Ret* link, the vacancy report's *Tildel
# rollen*) returns there after saving, with the cursor in the field the link is about.
NEXT_PARAMETER = "next"
FOCUS_PARAMETER = "felt"


class ReturnToMixin:
    """For the create / edit views (ServiceFormView) that fix a gap: after
    saving, and on *Annuller*, back to the page given as ``?next=`` — only a path on this
    site, since an open redirect would let a crafted link send users anywhere — and
    ``?felt=`` focuses that field. The form posts to its own URL, so both parameters are
    there on POST too. (Put it first among the bases: it wraps their success URL.)"""

    def next_url(self) -> str | None:
        target = self.request.GET.get(NEXT_PARAMETER, "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return target
        return None

    def success_url_for(self, obj) -> str:
        return self.next_url() or super().success_url_for(obj)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        focus = self.request.GET.get(FOCUS_PARAMETER)
        if focus in form.fields:
            form.fields[focus].widget.attrs["autofocus"] = True
        return form

    def render_to_response(self, context, **response_kwargs):
        context["cancel_url"] = self.next_url() or context.get("cancel_url")
        return super().render_to_response(context, **response_kwargs)


class ParentTabMixin:
    """For the create, edit and delete views of an object kept on a tab of its parent's
    page (a contract's cost lines, a project's status reports, a benefit's measurements,
    a steering group's meetings): saving, cancelling and deleting go back to that tab.
    ``parent_field`` names the parent on the object, ``parent_tab`` the tab's slug."""

    parent_field = ""
    parent_tab = ""

    def parent_tab_url(self, obj=None) -> str:
        parent = getattr(obj, self.parent_field) if obj is not None else self.parent
        return f"{object_url(parent)}?tab={self.parent_tab}"

    def success_url_for(self, obj) -> str:
        return self.parent_tab_url(obj)

    def after_delete_url(self, obj) -> str:
        return self.parent_tab_url(obj)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if getattr(self, "parent", None) is not None:  # created from the parent's tab
            context["cancel_url"] = self.parent_tab_url()
        return context


class ObjectCreateView(ServiceFormView):
    """Create an object in one of the organisations where the user may (the active one
    by default; a user who edits in several picks one, which rescopes the choices)."""

    parent_model = None  # set for objects created from a parent's page (cost lines)
    # The field naming the owner: "owner_organisation" for shared catalog entries.
    organisation_field = "organisation"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.parent = self.get_parent()
        self.organisations = self.get_organisations()
        if not self.organisations:
            raise PermissionDenied(_("Du har ikke rettigheder til at oprette her."))
        self.organisation = self.pick_organisation()
        return super().dispatch(request, *args, **kwargs)

    def get_parent(self):
        if self.parent_model is None:
            return None
        return get_visible_or_404(self.parent_model, self.request.user, self.kwargs["uuid"])

    def get_organisations(self) -> list:
        if self.parent is not None:
            organisation = _organisation_of(self.parent, self.request)
            allowed = has_role(self.request.user, organisation.pk, at_least=EDITOR)
            return [organisation] if allowed else []
        return editable_organisations(
            self.request.user, self.model.edit_role, request=self.request
        )

    def pick_organisation(self):
        wanted = self.request.POST.get("organisation") or self.request.GET.get("organisation")
        by_slug = {organisation.slug: organisation for organisation in self.organisations}
        if wanted in by_slug:
            return by_slug[wanted]
        active = active_organisation(self.request)
        if active is not None and active.slug in by_slug:
            return by_slug[active.slug]
        return self.organisations[0]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            is_create=True,
            organisations=self.organisations,
            parent=self.parent,
            cancel_url=(object_url(self.parent) if self.parent else None)
            or model_url(self.model)
            or reverse("home"),
        )
        return context

    def save(self, form):
        """Plain objects go through the shared audited write path; models with an
        entity service (deadlines, unit paths …) override this to call it."""
        instance = self.model(**{self.organisation_field: self.organisation}, **form.field_data())
        return create_object(actor=self.request.user, instance=instance, m2m=form.m2m_data())

    def success_message(self, obj) -> str:
        return _("%(type)s “%(object)s” er oprettet.") % {
            "type": capfirst(obj._meta.verbose_name),
            "object": obj,
        }


class ObjectUpdateView(ServiceFormView):
    """Edit an object the user may see (else 404) and edit (else 403)."""

    related = ()
    prefetch = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = get_visible_or_404(
            self.model, request.user, kwargs["uuid"], related=self.related, prefetch=self.prefetch
        )
        # The user's organisations with their roles (read for the page header anyway)
        # answer the edit check and name the object's organisation: no query for either.
        user_organisations(request)
        self.object.check_editable_by(request.user)
        self.organisation = _organisation_of(self.object, request)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def form_invalid(self, form):
        # A service that refused the change may have set the new values on the object.
        self.object.refresh_from_db()
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            cancel_url=self.success_url_for(self.object),
        )
        return context

    def save(self, form):
        return update_object(
            actor=self.request.user,
            instance=self.object,
            data=form.field_data(),
            m2m=form.m2m_data(),
        )

    def success_message(self, obj) -> str:
        return _("Ændringerne af “%(object)s” er gemt.") % {"object": obj}


def get_visible_or_404(model, user, uuid, *, related=(), prefetch=()):
    obj = (
        model.objects.visible_to(user)
        .select_related(*related)
        .prefetch_related(*prefetch)
        .filter(uuid=uuid)
        .first()
    )
    if obj is None:
        raise Http404(_("Objektet findes ikke."))
    return obj


def _organisation_of(obj, request=None):
    """The organisation an object belongs to (its owner for catalog entries); with the
    `request`, found among the user's organisations when it is one of them."""
    from django.apps import apps

    if request is not None:
        for organisation in user_organisations(request):
            if organisation.pk == obj.owning_organisation_id:
                return organisation
    if obj.owning_organisation_id is None:
        return None  # a national catalog entry (superusers, rights holders)
    organisation_model = apps.get_model("kitos", "Organisation")
    return organisation_model.objects.get(pk=obj.owning_organisation_id)


class ObjectDeleteView(LoginRequiredMixin, TemplateView):
    """Confirm and delete through the service. Objects still in use are not deleted; the
    page says what holds them."""

    template_name = "kitos/object_confirm_delete.html"
    model = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = get_visible_or_404(self.model, request.user, kwargs["uuid"])
        self.object.check_deletable_by(request.user)
        return super().dispatch(request, *args, **kwargs)

    def delete(self, obj) -> None:
        delete_object(actor=self.request.user, instance=obj)

    def after_delete_url(self, obj) -> str:
        return model_url(type(obj)) or reverse("home")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        removed, protected = deletion_summary(self.object, self.request.user)
        context.update(
            object=self.object,
            verbose_name=self.model._meta.verbose_name,
            removed=removed,
            protected=protected,
            cancel_url=object_url(self.object) or self.after_delete_url(self.object),
        )
        return context

    def post(self, request, *args, **kwargs):
        obj, name = self.object, str(self.object)
        target = self.after_delete_url(obj)
        try:
            self.delete(obj)
        except ValidationError as error:
            context = self.get_context_data(**kwargs)
            context["delete_errors"] = error.messages
            return self.render_to_response(context)
        messages.success(request, _("“%(object)s” er slettet.") % {"object": name})
        return redirect(target)
