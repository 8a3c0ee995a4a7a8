"""FilterSets of the portfolio app: the same filters for the HTML lists, the API, the
Excel export and the dashboard counts."""

from __future__ import annotations

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kitos.filtersets import BaseFilterSet, UUIDInFilter, search_terms
from kitos.options import OptionInFilter
from roles.models import OrganisationUnit, RoleAssignment, still_working

from . import choices
from .kle import effective_kle, kle_match
from .models import (
    Integration,
    Interface,
    ItSystem,
    KleNumber,
    SystemUsage,
    SystemUsageUnit,
)

# The standard role type (roles/reference.py) whose holder answers for a usage.
SYSTEM_OWNER_ROLE = "systemejer"


def _kle_prefix(field_name: str, value: str) -> Q:
    """A KLE number and everything below it: "15.00" matches "15.00" and "15.00.05",
    not "15.001"."""
    value = value.strip().rstrip(".")
    return Q(**{field_name: value}) | Q(**{f"{field_name}__startswith": f"{value}."})


def _visible_units(request):
    if request is None:
        return OrganisationUnit.objects.none()
    return OrganisationUnit.objects.visible_to(request.user)


class ItSystemFilterSet(BaseFilterSet):
    search_fields = ("name", "previous_names", "description")

    rights_holder = UUIDInFilter(field_name="rights_holder__uuid",
                                 label=_("rettighedshaver / leverandør"))
    business_type = django_filters.MultipleChoiceFilter(choices=choices.BusinessType.choices,
                                                        label=_("forretningstype"))
    kle = django_filters.CharFilter(method="filter_kle", label=_("KLE-nummer (med underliggende)"))
    archive_duty_recommendation = django_filters.MultipleChoiceFilter(
        choices=choices.ArchiveDutyRecommendation.choices, label=_("anbefalet arkiveringspligt"))

    class Meta:
        model = ItSystem
        fields = ["licence_model", "is_local"]

    def filter_kle(self, queryset, name, value):
        return queryset.filter(_kle_prefix("kle_numbers__number", value)).distinct()


class SystemUsageFilterSet(BaseFilterSet):
    search_fields = ("local_name", "local_id", "system__name", "system__previous_names",
                     "notes")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    system = UUIDInFilter(field_name="system__uuid", label=_("it-system"))
    supplier = UUIDInFilter(field_name="system__rights_holder__uuid",
                            label=_("systemets rettighedshaver / leverandør"))
    responsible_unit = UUIDInFilter(field_name="responsible_unit__uuid",
                                    label=_("ansvarlig enhed"))
    within = django_filters.ModelChoiceFilter(
        field_name="responsible_unit", queryset=_visible_units, to_field_name="uuid",
        method="filter_within",
        label=_("ansvarlig enhed eller enhed under den"),
    )
    used_within = django_filters.ModelChoiceFilter(
        field_name="responsible_unit", queryset=_visible_units, to_field_name="uuid",
        method="filter_used_within",
        label=_("ansvarlig eller anvendende enhed eller enhed under den"),
    )
    lifecycle = django_filters.MultipleChoiceFilter(choices=choices.Lifecycle.choices,
                                                    label=_("livscyklus"))
    business_type = django_filters.MultipleChoiceFilter(
        field_name="system__business_type", choices=choices.BusinessType.choices,
        label=_("forretningstype"),
    )
    kle_task = django_filters.CharFilter(
        method="filter_kle_task", max_length=12,
        label=_("KLE-opgave (systemets KLE-nummer er det samme, over eller under)"),
    )
    criticality = django_filters.MultipleChoiceFilter(choices=choices.Criticality.choices,
                                                      label=_("forretningskritikalitet"))
    hosting = django_filters.MultipleChoiceFilter(choices=choices.Hosting.choices,
                                                  label=_("hosting"))
    time_assessment = django_filters.MultipleChoiceFilter(
        choices=choices.TimeAssessment.choices, label=_("TIME-vurdering")
    )
    has_system_owner = django_filters.BooleanFilter(method="filter_has_system_owner",
                                                    label=_("har en systemejer"))
    has_criticality = django_filters.BooleanFilter(
        field_name="criticality", method="filter_is_set",
        label=_("har en forretningskritikalitet"),
    )
    has_time_assessment = django_filters.BooleanFilter(
        field_name="time_assessment", method="filter_is_set", label=_("har en TIME-vurdering")
    )
    # The OS2KITOS usage record.
    socially_critical = django_filters.MultipleChoiceFilter(
        choices=choices.YesNoUnknown.choices, label=_("samfundskritisk"))
    user_count = django_filters.MultipleChoiceFilter(choices=choices.UserCount.choices,
                                                     label=_("antal brugere"))
    web_accessibility = django_filters.MultipleChoiceFilter(
        choices=choices.YesNoPartially.choices, label=_("webtilgængelighed"))
    archive_duty = django_filters.MultipleChoiceFilter(choices=choices.ArchiveDuty.choices,
                                                       label=_("arkiveringspligt"))
    has_archive_duty = django_filters.BooleanFilter(
        field_name="archive_duty", method="filter_is_set", label=_("har en arkiveringspligt"))
    # Option lists (kitos.options), by the options' codes: ?archive_type=archival_version.
    archive_type = OptionInFilter(field_name="archive_type", label=_("arkivtype"))
    archive_location = OptionInFilter(field_name="archive_location",
                                      label=_("arkiveringssted"))
    sensitive_data_types = OptionInFilter(field_name="sensitive_data_types", many=True,
                                          label=_("typer af følsomme personoplysninger"))
    risk_assessment = django_filters.MultipleChoiceFilter(
        choices=choices.YesNoUnknown.choices, label=_("foretaget risikovurdering"))
    risk_assessment_result = django_filters.MultipleChoiceFilter(
        choices=choices.RiskLevel.choices, label=_("resultat af seneste risikovurdering"))
    dpia = django_filters.MultipleChoiceFilter(choices=choices.YesNoUnknown.choices,
                                               label=_("gennemført DPIA"))
    technical_precautions = django_filters.MultipleChoiceFilter(
        choices=choices.YesNoUnknown.choices, label=_("passende tekniske foranstaltninger"))
    retention_period = django_filters.MultipleChoiceFilter(
        choices=choices.YesNoUnknown.choices, label=_("bevaringsfrist på data"))
    kle_effective = django_filters.CharFilter(
        method="filter_kle_effective", max_length=12,
        label=_("gældende KLE-nummer (med lokale afvigelser, med underliggende)"))

    class Meta:
        model = SystemUsage
        fields = ["contains_ai", "ordinary_personal_data", "sensitive_personal_data",
                  "criminal_offence_data", "cpr_numbers", "archive_active", "document_bearing"]

    def filter_kle_effective(self, queryset, name, value):
        """Usages whose effective KLE (portfolio.kle.effective_kle) holds the number or a
        number under it."""
        matching = effective_kle(OuterRef(OuterRef("pk")), OuterRef(OuterRef("system_id"))).filter(
            _kle_prefix("number", value))
        return queryset.filter(Exists(matching))

    def filter_within(self, queryset, name, unit):
        # `path` lists the ancestors' ids ("/12/57/"), so a subtree is one prefix match.
        if not unit.path:  # never an empty prefix: it would match every unit
            return queryset.filter(responsible_unit=unit)
        return queryset.filter(responsible_unit__path__startswith=unit.path)

    def filter_used_within(self, queryset, name, unit):
        """Usages the unit or a unit below it answers for or uses."""
        # A unit without a path (not saved through the services) is only itself.
        subtree = Q(path__startswith=unit.path) if unit.path else Q(pk=unit.pk)
        using = SystemUsageUnit.objects.filter(
            usage=OuterRef("pk"),
            unit__in=OrganisationUnit.objects.filter(subtree).values("pk"),
        )
        responsible = OrganisationUnit.objects.filter(subtree).values("pk")
        return queryset.filter(Q(responsible_unit__in=responsible) | Exists(using))

    def filter_kle_task(self, queryset, name, value):
        """Usages whose catalog system serves the task (portfolio.kle.kle_match)."""
        number = value.strip().rstrip(".")
        serving = ItSystem.kle_numbers.through.objects.filter(
            itsystem=OuterRef("system"), klenumber__in=KleNumber.objects.filter(
                kle_match([number]))
        )
        return queryset.filter(Exists(serving))

    def filter_is_set(self, queryset, name, value):
        # Choice fields store "not given" as an empty string.
        return queryset.exclude(**{name: ""}) if value else queryset.filter(**{name: ""})

    def filter_has_system_owner(self, queryset, name, value):
        today = timezone.localdate()
        owners = RoleAssignment.objects.current(today).filter(
            still_working(today, "person__"),
            content_type=ContentType.objects.get_for_model(SystemUsage),
            object_id=OuterRef("pk"),
            role_type__code=SYSTEM_OWNER_ROLE,
        )
        return queryset.filter(Exists(owners) if value else ~Exists(owners))


class IntegrationFilterSet(BaseFilterSet):
    search_fields = ("name", "description", "source__system__name", "target__system__name")

    organisation = UUIDInFilter(field_name="organisation__uuid", label=_("organisation"))
    source = UUIDInFilter(field_name="source__uuid", label=_("afsender"))
    target = UUIDInFilter(field_name="target__uuid", label=_("modtager"))
    usage = UUIDInFilter(method="filter_usage",
                         label=_("systemanvendelse (afsender eller modtager)"))
    interface_type = django_filters.MultipleChoiceFilter(choices=choices.InterfaceType.choices,
                                                         label=_("snitfladetype"))
    supplier = UUIDInFilter(
        method="filter_supplier",
        label=_("rettighedshaver / leverandør af afsender- eller modtagersystemet"),
    )
    standard_interface = django_filters.BooleanFilter(
        method="filter_standard_interface", label=_("standardsnitflade"),
    )
    interface = UUIDInFilter(field_name="interface__uuid", label=_("snitflade (katalog)"))
    has_interface = django_filters.BooleanFilter(
        field_name="interface", lookup_expr="isnull", exclude=True,
        label=_("har en snitflade fra kataloget"),
    )

    class Meta:
        model = Integration
        fields = ["direction", "frequency"]

    def filter_usage(self, queryset, name, value):
        return queryset.filter(Q(source__uuid__in=value) | Q(target__uuid__in=value))

    def filter_supplier(self, queryset, name, value):
        return queryset.filter(
            Q(source__system__rights_holder__uuid__in=value)
            | Q(target__system__rights_holder__uuid__in=value)
        )

    def filter_standard_interface(self, queryset, name, value):
        # choices.STANDARD_INTERFACE_TYPES decides; no type given is not a standard.
        standard = Q(interface_type__in=choices.STANDARD_INTERFACE_TYPES)
        return queryset.filter(standard) if value else queryset.exclude(standard)


class InterfaceFilterSet(BaseFilterSet):
    search_fields = ("name", "interface_id", "description", "exposed_by__name")

    exposed_by = UUIDInFilter(field_name="exposed_by__uuid", label=_("udstillet af"))
    # By the options' codes: ?interface_type=rest,soap.
    interface_type = OptionInFilter(field_name="interface_type", label=_("snitfladetype"))
    data_type = OptionInFilter(field_name="data_rows__data_type", many=True,
                               label=_("datatype"))

    class Meta:
        model = Interface
        fields = ["is_local", "is_deactivated"]


class KleNumberFilterSet(django_filters.FilterSet):
    """KLE has no change times (it is loaded from KL's list), hence no `changed_since`."""

    number = django_filters.CharFilter(method="filter_number",
                                       label=_("KLE-nummer (med underliggende)"))
    q = django_filters.CharFilter(method="filter_q", label=_("Søg"))

    class Meta:
        model = KleNumber
        fields = ["number"]

    def filter_number(self, queryset, name, value):
        return queryset.filter(_kle_prefix("number", value))

    def filter_q(self, queryset, name, value):
        for term in search_terms(value):
            queryset = queryset.filter(Q(number__startswith=term) | Q(title__icontains=term))
        return queryset
