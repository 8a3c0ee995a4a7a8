"""Data protection pages: a data processing agreement with its sub-processors,
oversight, role holders and alert log."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.views.generic import DetailView

from contracts.views import Deadline, RolesAndAlertsMixin, VisibleObjectMixin

from .models import DataProcessingAgreement, OversightRecord, SubProcessor


class AgreementDetailView(VisibleObjectMixin, RolesAndAlertsMixin, DetailView):
    model = DataProcessingAgreement
    context_object_name = "agreement"
    related = ("organisation", "processor", "contract")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, agreement, today = self.request.user, self.object, context["today"]
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
