"""The FilterSet of the organisations' sharing choices for joint procurement (the API's
``procurement-sharing/`` list)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kitos.filtersets import BaseFilterSet, UUIDInFilter

from .models import ProcurementSharing


class ProcurementSharingFilterSet(BaseFilterSet):
    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))

    class Meta:
        model = ProcurementSharing
        fields = ["shares"]
