"""Data protection pages: a data processing agreement with its sub-processors,
oversight and role holders (the alerts app adds the alert log through kitos.hooks)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.views import Deadline, role_holders_context
from kitos.detail import (
    HISTORY_TAB,
    TabbedDetailView,
    overview_tab,
)
from roles.tabs import ROLES_TAB, RolesTabMixin

from .models import DataProcessingAgreement, OversightRecord, ProcessingActivity, SubProcessor


class AgreementDetailView(RolesTabMixin, TabbedDetailView):
    """A data processing agreement: overview (terms, sub-processors, oversight, role
    holders, alert log), roles and history."""

    model = DataProcessingAgreement
    context_object_name = "agreement"
    related = ("organisation", "processor", "contract")
    tabs = (
        overview_tab("gdpr/agreement_overview.html"),
        ROLES_TAB,
        HISTORY_TAB,
    )

    def overview_context(self):
        user, agreement, today = self.request.user, self.object, timezone.localdate()
        context = role_holders_context(user, agreement)
        ended = agreement.ended_on is not None and agreement.ended_on < today
        # An ended agreement needs no more oversight, so its date is not overdue.
        context["oversight"] = (
            None if ended else Deadline(_("Næste tilsyn"), agreement.next_oversight_date, today)
        )
        context["sub_processors"] = (
            SubProcessor.objects.visible_to(user)
            .filter(agreement=agreement)
            .select_related("supplier")
        )
        context["oversight_records"] = OversightRecord.objects.visible_to(user).filter(
            agreement=agreement
        )
        context["usages"] = agreement.usages.visible_to(user).select_related("system")
        return context


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


class AgreementListView(ListView):
    model = DataProcessingAgreement
    filterset_class = DataProcessingAgreementFilterSet
    columns = tables.AGREEMENT_COLUMNS
    title = gettext_lazy("Databehandleraftaler")
    create_label = gettext_lazy("Ny databehandleraftale")
    export_entity = "agreements"
    filter_options = {"processor": supplier_options(DataProcessingAgreement, "processor")}
    panel_first = ("oversight_overdue", "next_oversight_date", "processor")
