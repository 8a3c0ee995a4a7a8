"""Detail pages and forms for system usages, catalog systems and integrations
(kitos/detail.py); writes go through portfolio.services."""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy

from kitos.detail import (
    HISTORY_TAB,
    PANELS_TEMPLATE,
    ObjectCreateView,
    ObjectDeleteView,
    ObjectUpdateView,
    ParentTabMixin,
    Tab,
    TabbedDetailView,
    field_facts,
    overview_tab,
)
from roles.tabs import ROLES_TAB, RolesTabMixin

from . import choices, rights_holders
from .forms import (
    IntegrationForm,
    InterfaceForm,
    ItSystemForm,
    JournalPeriodForm,
    SystemUsageForm,
)
from .kle import usage_kle
from .models import (
    GDPR_GATED_FIELDS,
    Integration,
    Interface,
    ItSystem,
    SystemUsage,
    UsageJournalPeriod,
)
from .services import (
    integration_create,
    interface_create,
    interface_delete,
    interface_update,
    journal_period_create,
    journal_period_delete,
    journal_period_update,
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
         "contains_ai"),
    ),
    (
        gettext_lazy("Webtilgængelighed"),
        ("web_accessibility", "web_accessibility_checked_on", "web_accessibility_notes"),
    ),
    (
        gettext_lazy("Vurdering og noter"),
        ("time_assessment", "time_reason", "notes", "reference_url", "external_reference"),
    ),
)
ARCHIVING_FACTS = ("archive_duty", "archive_type", "archive_location", "archive_test_location",
                   "archive_supplier", "archive_active", "archive_frequency_years",
                   "document_bearing", "archive_notes")
# The GDPR registration as OS2KITOS groups it; each group's first field is the question
# whose Ja shows the details (GDPR_GATED_FIELDS), the data group has no question.
GDPR_FACT_GROUPS = (
    (
        gettext_lazy("Formål og data"),
        ("purpose", "hosting", "no_personal_data", "ordinary_personal_data", "cpr_numbers",
         "social_problems", "other_private_matters", "sensitive_personal_data",
         "sensitive_data_types", "criminal_offence_data"),
    ),
    (gettext_lazy("Tekniske foranstaltninger"), ("technical_precautions",)),
    (gettext_lazy("Brugerkontrol"), ("user_supervision",)),
    (gettext_lazy("Risikovurdering"), ("risk_assessment", "risk_assessment_planned_on")),
    (gettext_lazy("Konsekvensanalyse (DPIA)"), ("dpia",)),
    (gettext_lazy("Sletning"), ("retention_period",)),
)


def gdpr_fact_groups(usage) -> list:
    """The usage's GDPR registration as (title, facts): a question's details only when
    it is answered Ja (the model refuses them otherwise)."""
    groups = []
    for title, names in GDPR_FACT_GROUPS:
        shown = list(names)
        question = names[0]
        if question in GDPR_GATED_FIELDS and getattr(usage, question) == choices.YesNoUnknown.YES:
            shown[1:1] = GDPR_GATED_FIELDS[question]
        groups.append((title, field_facts(usage, shown)))
    return groups


class SystemUsageDetailView(RolesTabMixin, TabbedDetailView):
    """The central page: one organisation's use of a system, with its contracts, data,
    roles, integrations and history."""

    model = SystemUsage
    # The archiving tab's options and supplier are joined in (no queries of their own).
    related = ("organisation", "system__rights_holder", "responsible_unit", "archive_type",
               "archive_location", "archive_test_location", "archive_supplier")
    prefetch = ("using_units",)
    # The apps above add the Kontrakter tab and the main contract on the overview, and
    # the gdpr app its data assets and processing activities to Data og GDPR (kitos.hooks).
    tabs = (
        overview_tab("portfolio/usage_overview.html"),
        Tab("data", gettext_lazy("Data og GDPR"), "data", "portfolio/usage_gdpr.html"),
        Tab("arkivering", gettext_lazy("Arkivering"), "archiving",
            "portfolio/usage_archiving.html"),
        Tab("kle", gettext_lazy("Opgaver (KLE)"), "kle", "portfolio/usage_kle.html"),
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

    def data_context(self):
        # One query of its own: the sensitive data types (the registration's only list).
        return {"gdpr_groups": gdpr_fact_groups(self.object)}

    def archiving_context(self):
        usage = self.object
        return {
            "archiving_facts": field_facts(usage, ARCHIVING_FACTS),
            "journal_periods": UsageJournalPeriod.objects.visible_to(self.request.user)
            .filter(usage=usage).order_by("start_date", "pk"),
            "journal_period_create_url": reverse("usagejournalperiod_create",
                                                 args=[usage.uuid]),
        }

    def kle_context(self):
        usage = self.object
        removed = set(usage.kle_removed.values_list("pk", flat=True))
        return {
            "inherited_kle": [(kle, kle.pk in removed)
                              for kle in usage.system.kle_numbers.order_by("number")],
            "added_kle": list(usage.kle_added.order_by("number")),
            "effective_kle": list(usage_kle(usage)),
        }

class SystemUsageCreateView(ObjectCreateView):
    model = SystemUsage
    form_class = SystemUsageForm

    def save(self, form):
        return usage_create(
            actor=self.request.user,
            organisation=self.organisation,
            **form.links(),
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
            **form.links(),
        )


class SystemUsageDeleteView(ObjectDeleteView):
    model = SystemUsage

    def delete(self, obj):
        usage_delete(actor=self.request.user, usage=obj)


class JournalPeriodMixin(ParentTabMixin):
    model = UsageJournalPeriod
    form_class = JournalPeriodForm
    parent_field, parent_tab = "usage", "arkivering"


class JournalPeriodCreateView(JournalPeriodMixin, ObjectCreateView):
    """A journal period of a usage (from the usage's Arkivering tab)."""

    parent_model = SystemUsage

    def save(self, form):
        return journal_period_create(actor=self.request.user, usage=self.parent,
                                     **form.field_data())


class JournalPeriodUpdateView(JournalPeriodMixin, ObjectUpdateView):
    related = ("usage__system",)

    def save(self, form):
        return journal_period_update(actor=self.request.user, period=self.object,
                                     data=form.field_data())


class JournalPeriodDeleteView(JournalPeriodMixin, ObjectDeleteView):
    """Deleted through the service; back to the usage's Arkivering tab."""

    def delete(self, obj):
        journal_period_delete(actor=self.request.user, period=obj)


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
