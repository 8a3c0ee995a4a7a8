"""FilterSets of the attestation campaigns and their attestations: the same filters for
the HTML pages, the API and the export."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from kitos.filtersets import BaseFilterSet, UUIDInFilter
from roles.filtersets import SubtreeFilter

from .attestation_choices import AttestationStatus, CampaignStatus
from .models import Attestation, AttestationCampaign


class AttestationCampaignFilterSet(BaseFilterSet):
    search_fields = ("title",)

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    status = django_filters.MultipleChoiceFilter(choices=CampaignStatus.choices,
                                                 label=_("status"))
    year = django_filters.NumberFilter(label=_("år"), min_value=2000, max_value=2100)

    class Meta:
        model = AttestationCampaign
        fields = []


class AttestationFilterSet(BaseFilterSet):
    search_fields = ("usage__local_name", "usage__system__name", "contract__name",
                     "owner__name", "comment")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    campaign = UUIDInFilter(field_name="campaign__uuid", label=_("kampagne"))
    status = django_filters.MultipleChoiceFilter(choices=AttestationStatus.choices,
                                                 label=_("status"))
    owner = UUIDInFilter(field_name="owner__uuid", label=_("ansvarlig"))
    usage = UUIDInFilter(field_name="usage__uuid", label=_("systemanvendelse"))
    contract = UUIDInFilter(field_name="contract__uuid", label=_("kontrakt"))
    unit = UUIDInFilter(field_name="unit__uuid", label=_("enhed"))
    within = SubtreeFilter(path_field="unit__path",
                           label=_("enheden og alle enheder under den"))
    no_unit = django_filters.BooleanFilter(field_name="unit", lookup_expr="isnull",
                                           label=_("uden ansvarlig enhed"))

    class Meta:
        model = Attestation
        fields = []
