"""Benchmark: a 250-row API list page beside a raw ``values()`` + JsonResponse view of
the same rows and the same fields, for contracts and for system usages (issue #19).

Both go through the same test client, middleware and session, so the gap is what the API
adds per page: scoping, filters, pagination (with its count), the serializer's field
conversions and the renderer. The raw views read the same columns the API returns
(references as UUIDs, the to-many fields with one query each) and let Django's encoder
write them. Interleaved medians on PostgreSQL; figures, not assertions.

    .venv/bin/python benchmarks/bench_api_page.py      (also run by `make bench`)
"""

from __future__ import annotations

import os
from collections import defaultdict

from _database import fresh_database, use_database  # first: the project on the path, the settings
from _timing import interleaved, result

use_database("api")

ROWS = 250
REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))
GOAL = 2.0

CONTRACT_COLUMNS = (
    "uuid", "organisation__uuid", "name", "contract_number", "contract_type",
    "supplier__uuid", "responsible_unit__uuid", "parent__uuid", "procurement_form",
    "criticality", "notes", "external_reference", "concluded_on", "start_date",
    "expiry_date", "irrevocable_until", "notice_months", "notice_to_end_of",
    "extension_months", "extensions_total", "extensions_used", "renewal_months",
    "terminated_on", "lead_months", "acquisition_cost", "yearly_cost", "currency",
    "contract_template__code", "customer_signed_by", "customer_signed_on",
    "supplier_signed_by", "supplier_signed_on", "procurement_strategy__code",
    "procurement_plan_year", "procurement_plan_quarter", "payment_model__code",
    "payment_frequency__code", "price_regulation__code",
    "status", "next_end", "notice_deadline", "retender_start", "created_at", "updated_at",
)
USAGE_COLUMNS = (
    "uuid", "organisation__uuid", "system__uuid", "local_name", "local_id", "version",
    "responsible_unit__uuid", "lifecycle", "go_live_date", "retirement_date",
    "criticality", "socially_critical", "data_classification", "hosting", "user_count",
    "contains_ai", "archive_duty", "time_assessment", "time_reason", "notes",
    "reference_url", "external_reference", "is_active", "created_at", "updated_at",
    # The usage record (issue #20): its own columns, options by code, the effective KLE.
    "web_accessibility", "web_accessibility_checked_on", "web_accessibility_notes",
    "archive_type__code", "archive_location__code", "archive_test_location__code",
    "archive_supplier__uuid", "archive_active", "archive_notes", "archive_frequency_years",
    "document_bearing", "purpose", "no_personal_data", "ordinary_personal_data",
    "cpr_numbers", "social_problems", "other_private_matters", "sensitive_personal_data",
    "criminal_offence_data", "technical_precautions", "precaution_encryption",
    "precaution_pseudonymisation", "precaution_access_control", "precaution_logging",
    "technical_precautions_url", "user_supervision", "user_supervision_on",
    "user_supervision_url", "risk_assessment", "risk_assessment_on",
    "risk_assessment_result", "risk_assessment_url", "risk_assessment_notes",
    "risk_assessment_planned_on", "dpia", "dpia_on", "dpia_url", "retention_period",
    "retention_next_evaluation_on", "retention_evaluation_months", "effective_kle_numbers",
)


def _seed():
    from django.contrib.auth import get_user_model

    from contracts.models import Contract, ContractCoverage
    from kitos.models import Membership, Option, Organisation
    from portfolio.models import ItSystem, Supplier, SystemUsage, SystemUsageUnit
    from roles.models import OrganisationUnit

    organisation = Organisation.objects.create(name="Bench Kommune", slug="bench")
    user = get_user_model().objects.create_user("bench", password="x")
    Membership.objects.create(user=user, organisation=organisation, role="editor")
    supplier = Supplier.objects.create(name="Leverandør A/S", cvr="12345678")
    units = [
        OrganisationUnit.objects.create(organisation=organisation, name=f"Enhed {n}")
        for n in range(5)
    ]
    option = {(o.kind, o.code): o for o in Option.objects.all()}
    elements = [option[("agreement_element", code)] for code in ("licence", "support")]
    for n in range(ROWS):
        contract = Contract.objects.create(
            organisation=organisation, name=f"Kontrakt {n}", contract_number=f"K{n}",
            supplier=supplier, responsible_unit=units[n % 5], notice_months=3,
            yearly_cost=1000 + n, notes="Drift og vedligehold – årlig regulering",
            contract_template=option[("contract_template", "k03")],
            payment_model=option[("payment_model", "subscription")],
            payment_frequency=option[("payment_frequency", "quarterly")],
            price_regulation=option[("price_regulation", "net_price_index")],
            procurement_strategy=option[("procurement_strategy", "retender")],
            procurement_plan_year=2028, procurement_plan_quarter=1 + n % 4,
            customer_signed_by="Kommunaldirektør", supplier_signed_by="Kundechef",
        )
        contract.agreement_elements.set(elements)
        system = ItSystem.objects.create(name=f"System {n}")
        usage = SystemUsage.objects.create(
            organisation=organisation, system=system, responsible_unit=units[n % 5],
            notes="Bruges af borgerservice",
        )
        for unit in (units[n % 5], units[(n + 1) % 5]):
            SystemUsageUnit.objects.create(usage=usage, unit=unit, organisation=organisation)
        ContractCoverage.objects.create(
            contract=contract, usage=usage, is_main=True, organisation=organisation
        )
    return user


def _raw_views(user):
    """values() of the rows the API lists (same scoping and order), with the same
    fields, written by JsonResponse."""
    from django.http import JsonResponse
    from django.utils import timezone

    from contracts.models import Contract, ContractCoverage
    from portfolio.models import SystemUsage
    from roles.models import OrganisationUnit

    def grouped(pairs):
        by_owner = defaultdict(list)
        for owner, *value in pairs:
            by_owner[owner].append(value[0] if len(value) == 1 else value)
        return by_owner

    def contracts(request):
        queryset = Contract.objects.visible_to(user).order_by(*Contract._meta.ordering, "pk")
        rows = list(queryset.values("pk", *CONTRACT_COLUMNS)[:ROWS])
        coverage = grouped(
            ContractCoverage.objects.filter(contract__in=[row["pk"] for row in rows])
            .values_list("contract", "usage__uuid", "is_main")
        )
        elements = grouped(
            Contract.agreement_elements.through.objects
            .filter(contract__in=[row["pk"] for row in rows])
            .values_list("contract", "option__code")
        )
        for row in rows:
            row["coverage"] = [
                {"usage": usage, "is_main": is_main} for usage, is_main in coverage[row["pk"]]
            ]
            row["agreement_elements"] = elements[row["pk"]]
        return JsonResponse({"results": rows})

    def usages(request):
        from portfolio.kle import kle_numbers, with_effective_kle

        queryset = with_effective_kle(
            SystemUsage.objects.visible_to(user).with_is_active(timezone.localdate()))
        queryset = queryset.order_by(*SystemUsage._meta.ordering, "pk")
        rows = list(queryset.values("pk", *USAGE_COLUMNS)[:ROWS])
        pks = [row["pk"] for row in rows]
        units = grouped(
            OrganisationUnit.objects.filter(used_systems__in=pks)
            .values_list("used_systems", "uuid")
        )
        links = {
            name: grouped(getattr(SystemUsage, name).through.objects.filter(
                systemusage__in=pks).values_list("systemusage", target))
            for name, target in (("sensitive_data_types", "option__code"),
                                 ("kle_added", "klenumber__number"),
                                 ("kle_removed", "klenumber__number"))
        }
        for row in rows:
            row["using_units"] = units[row["pk"]]
            row["kle_effective"] = kle_numbers(row.pop("effective_kle_numbers"))
            for name, linked in links.items():
                row[name] = linked[row["pk"]]
        return JsonResponse({"results": rows})

    return contracts, usages


urlpatterns: list = []  # this module is the URLconf: the raw views beside the real ones


def main():
    fresh_database()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import clear_url_caches, include, path

    settings.ALLOWED_HOSTS = ["*"]
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = []
    user = _seed()
    raw_contracts, raw_usages = _raw_views(user)
    urlpatterns[:] = [
        path("raw/contracts/", raw_contracts),
        path("raw/usages/", raw_usages),
        path("", include(settings.ROOT_URLCONF)),
    ]
    settings.ROOT_URLCONF = __name__
    clear_url_caches()

    client = Client()
    client.force_login(user)

    def page(url, key="results"):
        def get():
            response = client.get(url, {"page_size": ROWS})
            assert response.status_code == 200, response.content[:200]
            assert len(response.json()[key]) == ROWS
        return get

    print(f"{ROWS}-row page, medians of {REPEAT} interleaved runs ({connection.vendor})")
    print(f"{'view':<34} {'ms':>8} {'queries':>8} {'ratio':>7}")
    for name, api_url, raw_url in (
        ("contracts", "/api/v1/contracts/", "/raw/contracts/"),
        ("usages", "/api/v1/usages/", "/raw/usages/"),
    ):
        functions = {"raw": page(raw_url), "api": page(api_url),
                     "api (model path)": _model_path(settings, page(api_url))}
        queries = {}
        for label, function in functions.items():
            function()  # warm up (plan compiled, connections open)
            with CaptureQueriesContext(connection) as captured:
                function()
            queries[label] = len(captured.captured_queries)
        timings = interleaved(functions, REPEAT)
        for label in functions:
            ratio = timings[label] / timings["raw"]
            print(f"{label + ' ' + name:<34} {timings[label] * 1000:>8.1f} "
                  f"{queries[label]:>8} {ratio:>7.2f}")
        ratio = timings["api"] / timings["raw"]
        result(
            f"API list page {ROWS} rows, {name} vs raw values()", ratio, f"≤ {GOAL:g}×",
            holds=ratio <= GOAL,
            detail=f"model path {timings['api (model path)'] / timings['raw']:.2f}×; "
            f"{connection.vendor}",
        )


def _model_path(settings, function):
    """The same page through the model path (kitos.api.fast switched off)."""
    def run():
        settings.KITOS_API_FAST_LIST = False
        try:
            function()
        finally:
            settings.KITOS_API_FAST_LIST = True
    return run


if __name__ == "__main__":
    main()
