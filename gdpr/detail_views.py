"""Detail pages and forms for data assets, processing activities and data processing
agreements (kitos/detail.py); writes go through gdpr.services. The agreement page itself
is gdpr.views.AgreementDetailView."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kitos.detail import (
    HISTORY_TAB,
    PANELS_TEMPLATE,
    ObjectCreateView,
    ObjectDeleteView,
    ObjectUpdateView,
    ReturnToMixin,
    Tab,
    TabbedDetailView,
    field_facts,
    object_url,
    overview_tab,
)
from roles.tabs import ROLES_TAB, RolesTabMixin

from .forms import (
    AgreementForm,
    DataAssetForm,
    OversightRecordForm,
    ProcessingActivityForm,
    SubProcessorForm,
)
from .models import (
    DataAsset,
    DataProcessingAgreement,
    OversightRecord,
    ProcessingActivity,
    SubProcessor,
)
from .services import (
    agreement_create,
    agreement_update,
    data_asset_create,
    data_asset_update,
    oversight_record_create,
    oversight_record_delete,
    oversight_record_update,
    sub_processor_create,
    sub_processor_delete,
    sub_processor_update,
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



class ProcessingActivityUpdateView(ReturnToMixin, ObjectUpdateView):
    model = ProcessingActivity
    form_class = ProcessingActivityForm


class ProcessingActivityDeleteView(ObjectDeleteView):
    model = ProcessingActivity


class AgreementCreateView(ReturnToMixin, ObjectCreateView):
    model = DataProcessingAgreement
    form_class = AgreementForm

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not form.is_bound:
            form.initial.update(self.prefilled(form))
        return form

    def prefilled(self, form) -> dict:
        """Opened for a system usage (``?anvendelse=``, the gap "personal data without
        an agreement"): the agreement covers that usage, with its system's supplier as
        processor — among the form's own (scoped) choices only."""
        uuid = self.request.GET.get("anvendelse")
        if not uuid:
            return {}
        try:
            usage = (
                form.fields["usages"].queryset.select_related("system__rights_holder")
                .filter(uuid=uuid).first()
            )
        except (ValueError, ValidationError):
            return {}
        if usage is None:
            return {}
        initial = {"usages": [usage.pk]}
        supplier = usage.system.rights_holder
        if supplier is not None and form.fields["processor"].queryset.filter(
            pk=supplier.pk
        ).exists():
            initial["processor"] = supplier.pk
            initial["name"] = _("Databehandleraftale med %(supplier)s") % {
                "supplier": supplier.name
            }
        return initial

    def save(self, form):
        return agreement_create(
            actor=self.request.user,
            agreement=DataProcessingAgreement(
                organisation=self.organisation, **form.field_data()
            ),
            m2m=form.m2m_data(),
        )


class AgreementUpdateView(ReturnToMixin, ObjectUpdateView):
    model = DataProcessingAgreement
    form_class = AgreementForm

    def save(self, form):
        return agreement_update(
            actor=self.request.user, agreement=self.object, data=form.field_data(),
            m2m=form.m2m_data(),
        )


class AgreementDeleteView(ObjectDeleteView):
    model = DataProcessingAgreement


# -- an agreement's sub-processors and oversight records, from its tabs --------------------

SUB_PROCESSORS_SLUG = "underdatabehandlere"
OVERSIGHT_SLUG = "tilsyn"


def agreement_tab_url(agreement, slug: str) -> str:
    return f"{object_url(agreement)}?tab={slug}"


class AgreementPartMixin:
    """A row of one of an agreement's tabs (sub-processors, oversight): saving or
    cancelling goes back to that tab, unless the form was opened from elsewhere
    (ReturnToMixin, before this one among the bases)."""

    tab_slug = ""

    def agreement(self):
        parent = getattr(self, "parent", None)
        return parent if parent is not None else self.object.agreement

    def success_url_for(self, obj) -> str:
        return agreement_tab_url(self.agreement(), self.tab_slug)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "cancel_url": self.success_url_for(None)}


class AgreementPartCreateView(ReturnToMixin, AgreementPartMixin, ObjectCreateView):
    """Created from a tab of its agreement: editors of the agreement's organisation
    (readers 403, other organisations 404)."""

    parent_model = DataProcessingAgreement


class AgreementPartUpdateView(ReturnToMixin, AgreementPartMixin, ObjectUpdateView):
    related = ("agreement",)


class AgreementPartDeleteView(ObjectDeleteView):
    tab_slug = ""

    def after_delete_url(self, obj) -> str:
        return agreement_tab_url(obj.agreement, self.tab_slug)


class SubProcessorCreateView(AgreementPartCreateView):
    model = SubProcessor
    form_class = SubProcessorForm
    tab_slug = SUB_PROCESSORS_SLUG

    def save(self, form):
        return sub_processor_create(
            actor=self.request.user, agreement=self.parent, **form.field_data()
        )


class SubProcessorUpdateView(AgreementPartUpdateView):
    model = SubProcessor
    form_class = SubProcessorForm
    tab_slug = SUB_PROCESSORS_SLUG

    def save(self, form):
        return sub_processor_update(
            actor=self.request.user, sub_processor=self.object, data=form.field_data()
        )


class SubProcessorDeleteView(AgreementPartDeleteView):
    model = SubProcessor
    tab_slug = SUB_PROCESSORS_SLUG

    def delete(self, obj):
        sub_processor_delete(actor=self.request.user, sub_processor=obj)


class OversightRecordCreateView(AgreementPartCreateView):
    """Record a performed supervision (the gap "oversight overdue" links here): the
    service moves the agreement's next oversight date."""

    model = OversightRecord
    form_class = OversightRecordForm
    tab_slug = OVERSIGHT_SLUG

    def get_initial(self):
        # Usually recorded when it is done, by the method the agreement prescribes.
        return {
            **super().get_initial(),
            "date": timezone.localdate(),
            "method": self.parent.oversight_method,
        }

    def save(self, form):
        return oversight_record_create(
            actor=self.request.user, agreement=self.parent, **form.field_data()
        )


class OversightRecordUpdateView(AgreementPartUpdateView):
    model = OversightRecord
    form_class = OversightRecordForm
    tab_slug = OVERSIGHT_SLUG

    def save(self, form):
        return oversight_record_update(
            actor=self.request.user, record=self.object, data=form.field_data()
        )


class OversightRecordDeleteView(AgreementPartDeleteView):
    model = OversightRecord
    tab_slug = OVERSIGHT_SLUG

    def delete(self, obj):
        oversight_record_delete(actor=self.request.user, record=obj)


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
