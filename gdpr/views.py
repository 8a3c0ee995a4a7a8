"""Data protection pages: a data processing agreement with its sub-processors,
oversight, role holders and alert log."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.views import Deadline, roles_and_alerts
from kitos.detail import HISTORY_TAB, ROLES_TAB, TabbedDetailView, overview_tab

from .models import DataProcessingAgreement, OversightRecord, SubProcessor


class AgreementDetailView(TabbedDetailView):
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
        context = roles_and_alerts(user, agreement)
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
