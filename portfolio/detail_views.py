"""Detail pages and forms for system usages, catalog systems and integrations
(kitos/detail.py); writes go through portfolio.services."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy

from kitos.detail import (
    HISTORY_TAB,
    PANELS_TEMPLATE,
    ObjectCreateView,
    ObjectDeleteView,
    ObjectUpdateView,
    Tab,
    TabbedDetailView,
    field_facts,
    overview_tab,
)
from roles.tabs import ROLES_TAB, RolesTabMixin

from . import rights_holders
from .forms import IntegrationForm, InterfaceForm, ItSystemForm, SystemUsageForm
from .models import Integration, Interface, ItSystem, SystemUsage
from .services import (
    integration_create,
    interface_create,
    interface_delete,
    interface_update,
    usage_create,
    usage_delete,
    usage_update,
)

USAGE_FACT_GROUPS = (
    (
        gettext_lazy("Grundoplysninger"),
        ("system", "local_name", "local_id", "version", "lifecycle", "go_live_date",
         "retirement_date", "responsible_unit", "using_units"),
    ),
    (
        gettext_lazy("Klassifikation og drift"),
        ("criticality", "socially_critical", "data_classification", "hosting", "user_count",
         "contains_ai", "archive_duty"),
    ),
    (
        gettext_lazy("Vurdering og noter"),
        ("time_assessment", "time_reason", "notes", "reference_url", "external_reference"),
    ),
)


class SystemUsageDetailView(RolesTabMixin, TabbedDetailView):
    """The central page: one organisation's use of a system, with its contracts, data,
    roles, integrations and history."""

    model = SystemUsage
    related = ("organisation", "system__rights_holder", "responsible_unit")
    prefetch = ("using_units",)
    # The apps above add the Kontrakter and Data og GDPR tabs and the main contract on the
    # overview (kitos.hooks).
    tabs = (
        overview_tab("portfolio/usage_overview.html"),
        ROLES_TAB,
        Tab(
            "integrationer",
            gettext_lazy("Integrationer"),
            "integrations",
            "portfolio/usage_integrations.html",
        ),
        HISTORY_TAB,
    )

    def overview_context(self):
        roles = self.roles_context()
        return {
            "fact_groups": [
                (title, field_facts(self.object, names)) for title, names in USAGE_FACT_GROUPS
            ],
            "current_roles": roles["current_roles"],
        }

    def integrations_context(self):
        user, usage = self.request.user, self.object
        return {
            "outgoing": usage.outgoing_integrations.visible_to(user)
            .select_related("target__system", "interface__interface_type")
            .prefetch_related("data_assets"),
            "incoming": usage.incoming_integrations.visible_to(user)
            .select_related("source__system", "interface__interface_type")
            .prefetch_related("data_assets"),
        }


class SystemUsageCreateView(ObjectCreateView):
    model = SystemUsage
    form_class = SystemUsageForm

    def save(self, form):
        return usage_create(
            actor=self.request.user,
            organisation=self.organisation,
            using_units=form.cleaned_data["using_units"],
            **form.field_data(),
        )


class SystemUsageUpdateView(ObjectUpdateView):
    model = SystemUsage
    form_class = SystemUsageForm
    related = ("system",)

    def save(self, form):
        return usage_update(
            actor=self.request.user,
            usage=self.object,
            data=form.field_data(),
            using_units=form.cleaned_data["using_units"],
        )


class SystemUsageDeleteView(ObjectDeleteView):
    model = SystemUsage

    def delete(self, obj):
        usage_delete(actor=self.request.user, usage=obj)


class ItSystemDetailView(TabbedDetailView):
    model = ItSystem
    related = ("owner_organisation", "rights_holder", "parent")
    tabs = (
        overview_tab("portfolio/system_overview.html"),
        Tab("anvendelser", gettext_lazy("Anvendelser"), "usages", "portfolio/system_usages.html"),
        Tab("snitflader", gettext_lazy("Udstillede snitflader"), "interfaces",
            "portfolio/system_interfaces.html"),
        HISTORY_TAB,
    )

    @property
    def prefetch(self):
        # A shared entry's sub-systems include other organisations' local ones: only
        # those the user may see are listed.
        children = ItSystem.objects.visible_to(self.request.user).order_by("name")
        return ("kle_numbers", Prefetch("children", queryset=children))

    def overview_context(self):
        return {
            "facts": field_facts(
                self.object,
                (
                    "name",
                    "previous_names",
                    "description",
                    "rights_holder",
                    "business_type",
                    "licence_model",
                    "parent",
                    "url",
                    "is_local",
                    "owner_organisation",
                    "kle_numbers",
                    "external_reference",
                    "archive_duty_recommendation",
                    "archive_duty_recommendation_comment",
                ),
            ),
        }

    def interfaces_context(self):
        return {
            "interfaces": self.object.exposed_interfaces.visible_to(self.request.user)
            .select_related("interface_type").order_by("name", "version"),
        }

    def usages_context(self):
        usages = list(
            self.object.usages.visible_to(self.request.user)
            .select_related("organisation", "system", "responsible_unit")
            .order_by("organisation__name")
        )
        # The catalog is shared, so how many use an entry is installation-wide; names are
        # shown only of the organisations the user belongs to (their usages above), as
        # organisations have no setting to share their portfolio with others.
        counts = SystemUsage.objects.organisation_counts(self.object)
        shown = len({usage.organisation_id for usage in usages})
        return {
            "usages": usages,
            "organisation_counts": counts,
            "hidden_organisations": max(counts["registered"] - shown, 0),
        }


class ItSystemCreateView(ObjectCreateView):
    model = ItSystem
    form_class = ItSystemForm
    organisation_field = "owner_organisation"


class RightsHolderFormMixin:
    """A supplier's user editing its entry through rights-holder access gets the form
    with only the fields a rights holder may change (portfolio.rights_holders)."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        rights_holders.limit_form(form, self.request.user)
        return form


class ItSystemUpdateView(RightsHolderFormMixin, ObjectUpdateView):
    model = ItSystem
    form_class = ItSystemForm


class ItSystemDeleteView(ObjectDeleteView):
    model = ItSystem


INTEGRATION_FIELDS = (
    "name",
    "description",
    "source",
    "target",
    "direction",
    "interface",
    "interface_type",
    "frequency",
    "external_reference",
)


class IntegrationDetailView(TabbedDetailView):
    model = Integration
    related = ("organisation", "source__system", "target__system",
               "interface__interface_type")
    tabs = (overview_tab("portfolio/integration_overview.html"), HISTORY_TAB)

    def overview_context(self):
        # The apps above add the data transferred and the contracts (kitos.hooks).
        return {"facts": field_facts(self.object, INTEGRATION_FIELDS)}


class IntegrationCreateView(ObjectCreateView):
    model = Integration
    form_class = IntegrationForm

    def save(self, form):
        return integration_create(actor=self.request.user, **form.field_data())


class IntegrationUpdateView(ObjectUpdateView):
    model = Integration
    form_class = IntegrationForm



class IntegrationDeleteView(ObjectDeleteView):
    model = Integration


INTERFACE_FIELDS = (
    "name", "interface_id", "version", "interface_type", "exposed_by", "url", "description",
    "notes", "is_deactivated", "is_local", "owner_organisation",
)


class InterfaceDetailView(TabbedDetailView):
    """A catalog interface: what it is, the data it carries, the integrations of the
    user's organisations that go through it, and its history."""

    model = Interface
    related = ("owner_organisation", "exposed_by", "interface_type")
    tabs = (
        overview_tab("portfolio/interface_overview.html"),
        Tab("integrationer", gettext_lazy("Bruges af integrationer"), "integrations",
            "portfolio/interface_integrations.html"),
        HISTORY_TAB,
    )

    def overview_context(self):
        return {
            "facts": field_facts(self.object, INTERFACE_FIELDS),
            "data_rows": self.object.data_rows.select_related("data_type"),
        }

    def integrations_context(self):
        # Only the integrations of the user's organisations: the catalog is shared, what
        # an organisation integrates is its own business.
        return {
            "integrations": self.object.integrations.visible_to(self.request.user)
            .select_related("organisation", "source__system", "target__system")
            .order_by("organisation__name", "name"),
        }


class InterfaceCreateView(ObjectCreateView):
    model = Interface
    form_class = InterfaceForm
    organisation_field = "owner_organisation"

    def save(self, form):
        return interface_create(
            actor=self.request.user,
            owner_organisation=self.organisation,
            data_rows=form.cleaned_data["data_rows"],
            **form.field_data(),
        )


class InterfaceUpdateView(RightsHolderFormMixin, ObjectUpdateView):
    model = Interface
    form_class = InterfaceForm
    related = ("owner_organisation",)

    def save(self, form):
        rows = form.fields["data_rows"]
        return interface_update(
            actor=self.request.user,
            interface=self.object,
            data=form.field_data(),
            # Not the rights holder's to change (a disabled field keeps the rows).
            data_rows=None if rows.disabled else form.cleaned_data["data_rows"],
        )


class InterfaceDeleteView(ObjectDeleteView):
    model = Interface

    def delete(self, obj):
        interface_delete(actor=self.request.user, interface=obj)


# -- what this app shows on the pages of the apps below it -------------------------------

# A unit's systems and contracts (the contracts app adds its panel to the same tab).
UNIT_SYSTEMS_TAB = Tab(
    "systemer", gettext_lazy("Systemer og kontrakter"), "systems", PANELS_TEMPLATE
)


def unit_usages_context(user, unit) -> dict:
    """The systems a unit is responsible for and those it uses."""
    return {
        "responsible_usages": unit.responsible_for_usages.visible_to(user)
        .select_related("system")
        .order_by("system__name"),
        "used_usages": unit.used_systems.visible_to(user)
        .select_related("system")
        .order_by("system__name"),
    }
