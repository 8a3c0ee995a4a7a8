"""Data protection pages: a data processing agreement with its sub-processors,
oversight and role holders (the alerts app adds the alert log through kitos.hooks)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.views import Deadline, role_holders_context
from kitos.detail import (
    HISTORY_TAB,
    Tab,
    TabbedDetailView,
    overview_tab,
)
from kitos.links import url_or_none
from roles.tabs import ROLES_TAB, RolesTabMixin

from .detail_views import OVERSIGHT_SLUG, SUB_PROCESSORS_SLUG
from .models import DataProcessingAgreement, OversightRecord, ProcessingActivity, SubProcessor


class AgreementDetailView(RolesTabMixin, TabbedDetailView):
    """A data processing agreement: overview (terms, next oversight, role holders, alert
    log), its sub-processors, its oversight records, roles and history. Sub-processors
    and oversight records are added, changed and removed from their tabs."""

    model = DataProcessingAgreement
    context_object_name = "agreement"
    related = ("organisation", "processor", "contract")
    tabs = (
        overview_tab("gdpr/agreement_overview.html"),
        Tab(SUB_PROCESSORS_SLUG, gettext_lazy("Underdatabehandlere"), "sub_processors",
            "gdpr/agreement_sub_processors.html"),
        Tab(OVERSIGHT_SLUG, gettext_lazy("Tilsyn"), "oversight", "gdpr/agreement_oversight.html"),
        ROLES_TAB,
        HISTORY_TAB,
    )

    def next_oversight(self):
        """The next oversight as a deadline; an ended agreement needs no more oversight,
        so its date is not overdue (None)."""
        agreement, today = self.object, timezone.localdate()
        if agreement.ended_on is not None and agreement.ended_on < today:
            return None
        return Deadline(_("Næste tilsyn"), agreement.next_oversight_date, today)

    def overview_context(self):
        user, agreement = self.request.user, self.object
        context = role_holders_context(user, agreement)
        context["oversight"] = self.next_oversight()
        context["usages"] = agreement.usages.visible_to(user).select_related("system")
        return context

    def sub_processors_context(self):
        return {
            "sub_processors": SubProcessor.objects.visible_to(self.request.user)
            .filter(agreement=self.object)
            .select_related("supplier"),
            "sub_processor_create_url": url_or_none("subprocessor_create", self.object.uuid),
        }

    def oversight_context(self):
        return {
            "oversight": self.next_oversight(),
            "oversight_records": OversightRecord.objects.visible_to(self.request.user).filter(
                agreement=self.object
            ),
            "oversight_create_url": url_or_none("oversightrecord_create", self.object.uuid),
        }


# -- lists (kitos/lists.py) --------------------------------------------------------------

from kitos.lists import ListView  # noqa: E402
from portfolio.tables import supplier_options  # noqa: E402
from roles.tables import unit_options  # noqa: E402

from . import tables  # noqa: E402
from .filtersets import (  # noqa: E402
    DataAssetFilterSet,
    DataProcessingAgreementFilterSet,
    ProcessingActivityFilterSet,
)
from .models import DataAsset, DataCategory  # noqa: E402


def _category_options(request):
    return DataCategory.objects.visible_to(request.user).values_list("uuid", "name")


class DataAssetListView(ListView):
    model = DataAsset
    filterset_class = DataAssetFilterSet
    columns = tables.DATA_ASSET_COLUMNS
    title = gettext_lazy("Dataaktiver")
    create_label = gettext_lazy("Nyt dataaktiv")
    export_entity = "data_assets"
    filter_options = {"owning_unit": unit_options, "category": _category_options}


class ProcessingActivityListView(ListView):
    model = ProcessingActivity
    filterset_class = ProcessingActivityFilterSet
    columns = tables.PROCESSING_ACTIVITY_COLUMNS
    title = gettext_lazy("Behandlingsaktiviteter")
    create_label = gettext_lazy("Ny behandlingsaktivitet")
    export_entity = "processing_activities"
    filter_options = {
        "responsible_unit": unit_options,
        "within": unit_options,
        "data_category": _category_options,
    }
    panel_first = ("within", "has_legal_basis", "dpia_needed", "risk_level")
    panel_hidden = ("responsible_unit",)
    filter_pickers = {"usage": "systemer"}

    def get_queryset(self):
        # Each column prefetches what it shows, only while it is shown (for_list
        # prefetches every relation, four queries a page whatever the columns).
        return ProcessingActivity.objects.visible_to(self.request.user).select_related(
            "organisation", "responsible_unit"
        )


class AgreementListView(ListView):
    model = DataProcessingAgreement
    filterset_class = DataProcessingAgreementFilterSet
    columns = tables.AGREEMENT_COLUMNS
    title = gettext_lazy("Databehandleraftaler")
    create_label = gettext_lazy("Ny databehandleraftale")
    export_entity = "agreements"
    filter_options = {"processor": supplier_options(DataProcessingAgreement, "processor")}
    panel_first = ("oversight_overdue", "next_oversight_date", "processor")
