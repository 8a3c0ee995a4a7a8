"""Detail pages and forms for data assets, processing activities and data processing
agreements (kitos/detail.py); writes go through gdpr.services. The agreement page itself
is gdpr.views.AgreementDetailView."""

from __future__ import annotations

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

from .forms import AgreementForm, DataAssetForm, ProcessingActivityForm
from .models import DataAsset, DataProcessingAgreement, ProcessingActivity
from .services import (
    agreement_create,
    agreement_update,
    data_asset_create,
    data_asset_update,
)


class DataAssetDetailView(TabbedDetailView):
    model = DataAsset
    related = ("organisation", "owning_unit")
    prefetch = ("categories", "integrations")
    tabs = (
        overview_tab("gdpr/dataasset_overview.html"),
        Tab("systemer", gettext_lazy("Systemer og behandlinger"), "systems",
            "gdpr/dataasset_systems.html"),
        HISTORY_TAB,
    )

    def overview_context(self):
        return {
            "facts": field_facts(
                self.object,
                ("name", "description", "categories", "owning_unit", "classification",
                 "retention", "integrations", "external_reference"),
            )
        }

    def systems_context(self):
        user, asset = self.request.user, self.object
        return {
            "usage_links": asset.usage_links.visible_to(user)
            .select_related("usage__system", "usage__responsible_unit")
            .order_by("usage__system__name", "use"),
            "processing_activities": asset.processing_activities.visible_to(user)
            .select_related("responsible_unit")
            .order_by("name"),
        }


class DataAssetCreateView(ObjectCreateView):
    model = DataAsset
    form_class = DataAssetForm

    def save(self, form):
        return data_asset_create(
            actor=self.request.user,
            asset=DataAsset(organisation=self.organisation, **form.field_data()),
            m2m=form.m2m_data(),
        )


class DataAssetUpdateView(ObjectUpdateView):
    model = DataAsset
    form_class = DataAssetForm

    def save(self, form):
        return data_asset_update(
            actor=self.request.user, asset=self.object, data=form.field_data(),
            m2m=form.m2m_data(),
        )


class DataAssetDeleteView(ObjectDeleteView):
    model = DataAsset


PROCESSING_FIELDS = (
    "name",
    "standard_number",
    "purpose",
    "legal_basis_art6",
    "legal_basis_art9",
    "legal_basis_text",
    "data_subjects",
    "data_categories",
    "recipients",
    "third_country_transfer",
    "transfer_countries",
    "transfer_basis",
    "retention",
    "security_measures",
    "responsible_unit",
    "dpia_needed",
    "dpia_done",
    "dpia_date",
    "risk_level",
    "kle_numbers",
    "external_reference",
)


class ProcessingActivityDetailView(RolesTabMixin, TabbedDetailView):
    model = ProcessingActivity
    related = ("organisation", "responsible_unit")
    prefetch = ("data_categories", "kle_numbers")
    tabs = (
        overview_tab("gdpr/processingactivity_overview.html"),
        Tab("systemer", gettext_lazy("Systemer og data"), "systems",
            "gdpr/processingactivity_systems.html"),
        ROLES_TAB,
        HISTORY_TAB,
    )

    def overview_context(self):
        return {"facts": field_facts(self.object, PROCESSING_FIELDS)}

    def systems_context(self):
        user, activity = self.request.user, self.object
        return {
            "usages": activity.usages.visible_to(user)
            .select_related("system", "responsible_unit")
            .order_by("system__name"),
            "data_assets": activity.data_assets.visible_to(user)
            .prefetch_related("categories")
            .order_by("name"),
        }


class ProcessingActivityCreateView(ObjectCreateView):
    model = ProcessingActivity
    form_class = ProcessingActivityForm



class ProcessingActivityUpdateView(ObjectUpdateView):
    model = ProcessingActivity
    form_class = ProcessingActivityForm


class ProcessingActivityDeleteView(ObjectDeleteView):
    model = ProcessingActivity


class AgreementCreateView(ObjectCreateView):
    model = DataProcessingAgreement
    form_class = AgreementForm

    def save(self, form):
        return agreement_create(
            actor=self.request.user,
            agreement=DataProcessingAgreement(
                organisation=self.organisation, **form.field_data()
            ),
            m2m=form.m2m_data(),
        )


class AgreementUpdateView(ObjectUpdateView):
    model = DataProcessingAgreement
    form_class = AgreementForm

    def save(self, form):
        return agreement_update(
            actor=self.request.user, agreement=self.object, data=form.field_data(),
            m2m=form.m2m_data(),
        )


class AgreementDeleteView(ObjectDeleteView):
    model = DataProcessingAgreement


# -- what this app shows on the pages of the apps below it -------------------------------

# The Data og GDPR tab of a system usage.
USAGE_DATA_TAB = Tab("data", gettext_lazy("Data og GDPR"), "data", PANELS_TEMPLATE)


def usage_data_context(user, usage) -> dict:
    """The data a usage holds, the processing activities and agreements it serves."""
    return {
        "asset_links": usage.data_asset_links.visible_to(user)
        .select_related("asset__owning_unit")
        .prefetch_related("asset__categories")
        .order_by("asset__name", "use"),
        "processing_activities": usage.processing_activities.visible_to(user)
        .select_related("responsible_unit")
        .order_by("name"),
        "agreements": usage.data_processing_agreements.visible_to(user)
        .select_related("processor")
        .order_by("name"),
    }


def integration_data_assets_context(user, integration) -> dict:
    """The data an integration transfers."""
    return {"data_assets": integration.data_assets.visible_to(user).order_by("name")}


def contract_agreements_row_context(user, contract) -> dict:
    """The contract's agreements, one row of its overview's facts."""
    # The contract column too: the related manager sets it on every row.
    return {
        "agreements": contract.data_processing_agreements.visible_to(user).only(
            "uuid", "name", "contract"
        )
    }


def contract_agreements_context(user, contract) -> dict:
    """The contract's agreements, on its Databehandling tab."""
    return {
        "agreements": contract.data_processing_agreements.visible_to(user)
        .select_related("processor")
        .order_by("name"),
    }


def supplier_agreements_context(user, supplier) -> dict:
    """The agreements the user's organisations have with a supplier."""
    return {
        "agreements": supplier.data_processing_agreements.visible_to(user).order_by("name"),
    }
