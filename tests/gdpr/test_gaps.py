"""Gap rules: for every rule an object that triggers it and one that does not; counting
per organisation and per unit; scoping."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from gdpr.gaps import RULES, gap_counts, gap_counts_by_unit, gaps_for_object, gaps_for_objects
from gdpr.models import DataAssetUsage, DataCategory
from roles.models import RoleType
from tests.factories import (
    AgreementFactory,
    ContractFactory,
    DataAssetFactory,
    ItSystemFactory,
    PersonFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
    SubProcessorFactory,
    SupplierFactory,
    UnitFactory,
    UsageFactory,
)
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 21)
DAY = datetime.timedelta(days=1)


def gaps(obj) -> set[str]:
    return {rule.key for rule in gaps_for_object(obj, today=TODAY)}


def category(code):
    return DataCategory.objects.get(organisation=None, code=code)


def role(code, applies_to):
    return RoleType.objects.get(organisation=None, code=code, applies_to=applies_to)


def holder(target, code, applies_to, **dates):
    return RoleAssignmentFactory(target=target, role_type=role(code, applies_to), **dates)


def owned_usage(org, **fields):
    """A usage with a system owner, so that only the rule under test can fire."""
    usage = UsageFactory(organisation=org, **fields)
    holder(usage, "systemejer", "system_usage")
    return usage


def complete_activity(org, **fields):
    """A processing activity with nothing missing."""
    values = {
        "legal_basis_art6": "6.1.e",
        "retention": "5 år efter sagens afslutning",
        **fields,
    }
    return ProcessingActivityFactory(organisation=org, **values)


def with_personal_data(usage, code="almindelige"):
    asset = DataAssetFactory(organisation=usage.organisation)
    asset.categories.add(category(code))
    DataAssetUsage.objects.create(asset=asset, usage=usage, organisation=usage.organisation)
    return usage


# -- personal data without a data processing agreement ----------------------------------
def test_personal_data_without_agreement(org):
    usage = with_personal_data(owned_usage(org))
    assert gaps(usage) == {"personal-data-without-agreement"}


def test_personal_data_through_a_processing_activity_counts_too(org):
    usage = owned_usage(org)
    activity = complete_activity(org)
    activity.usages.add(usage)
    activity.data_categories.add(category("kontaktoplysninger"))
    assert gaps(usage) == {"personal-data-without-agreement"}


def test_agreement_with_the_systems_supplier_closes_the_gap(org):
    usage = with_personal_data(owned_usage(org))
    AgreementFactory(organisation=org, processor=usage.system.rights_holder)
    assert gaps(usage) == set()


def test_agreement_covering_the_usage_closes_the_gap(org):
    usage = with_personal_data(owned_usage(org))
    agreement = AgreementFactory(organisation=org, processor=SupplierFactory())
    agreement.usages.add(usage)
    assert gaps(usage) == set()


def test_ended_agreement_or_another_organisations_does_not_count(org, other_org):
    usage = with_personal_data(owned_usage(org))
    supplier = usage.system.rights_holder
    AgreementFactory(organisation=org, processor=supplier, ended_on=TODAY - DAY)
    AgreementFactory(organisation=other_org, processor=supplier)
    assert gaps(usage) == {"personal-data-without-agreement"}


def test_no_personal_data_no_supplier_or_retired_is_no_gap(org):
    plain = with_personal_data(owned_usage(org), code="ikke-personoplysninger")
    in_house = with_personal_data(owned_usage(org, system=ItSystemFactory(rights_holder=None)))
    retired = with_personal_data(UsageFactory(organisation=org, lifecycle="retired"))
    assert gaps(plain) == gaps(in_house) == gaps(retired) == set()


# -- sensitive data without DPIA --------------------------------------------------------
@pytest.mark.parametrize("code", ["helbred", "cpr", "strafbare-forhold"])
def test_sensitive_data_without_dpia(org, code):
    activity = complete_activity(org, legal_basis_art9="9.2.h")
    activity.data_categories.add(category(code))
    assert gaps(activity) == {"sensitive-without-dpia"}


def test_sensitive_data_in_a_data_asset_of_the_activity(org):
    activity = complete_activity(org)
    asset = DataAssetFactory(organisation=org)
    asset.categories.add(category("cpr"))
    activity.data_assets.add(asset)
    assert gaps(activity) == {"sensitive-without-dpia"}


def test_dpia_done_or_assessed_unneeded_is_no_gap(org):
    done = complete_activity(org, dpia_needed="yes", dpia_done=True, dpia_date=TODAY)
    unneeded = complete_activity(org, dpia_needed="no")
    ordinary = complete_activity(org)
    for activity in (done, unneeded):
        activity.data_categories.add(category("cpr"))
    ordinary.data_categories.add(category("almindelige"))
    assert gaps(done) == gaps(unneeded) == gaps(ordinary) == set()


# -- third-country transfer without basis -----------------------------------------------
def test_agreement_transfer_without_basis(org):
    blank = AgreementFactory(organisation=org, third_country_transfer=True)
    none = AgreementFactory(organisation=org, third_country_transfer=True, transfer_basis="none")
    assert gaps(blank) == gaps(none) == {"agreement-transfer-without-basis"}


def test_agreement_transfer_with_basis_is_no_gap(org):
    agreement = AgreementFactory(organisation=org, third_country_transfer=True,
                                 transfer_basis="scc")
    ended = AgreementFactory(organisation=org, third_country_transfer=True,
                             ended_on=TODAY - DAY)
    assert gaps(agreement) == gaps(ended) == set()


def test_sub_processor_in_a_third_country_without_basis(org):
    agreement = AgreementFactory(organisation=org)
    SubProcessorFactory(agreement=agreement, country="US")
    assert gaps(agreement) == {"agreement-transfer-without-basis"}


def test_sub_processor_in_eea_adequate_country_or_with_basis_is_no_gap(org):
    agreement = AgreementFactory(organisation=org)
    SubProcessorFactory(agreement=agreement, country="DE")
    SubProcessorFactory(agreement=agreement, country="GB")
    SubProcessorFactory(agreement=agreement, country="US", transfer_basis="dpf")
    assert gaps(agreement) == set()


def test_activity_transfer_without_basis(org):
    missing = complete_activity(org, third_country_transfer=True, transfer_basis="none")
    present = complete_activity(org, third_country_transfer=True, transfer_basis="scc")
    assert gaps(missing) == {"activity-transfer-without-basis"}
    assert gaps(present) == set()


# -- oversight overdue ------------------------------------------------------------------
def test_oversight_overdue(org):
    overdue = AgreementFactory(organisation=org, next_oversight_date=TODAY - DAY)
    due = AgreementFactory(organisation=org, next_oversight_date=TODAY)
    ended = AgreementFactory(organisation=org, next_oversight_date=TODAY - 30 * DAY,
                             ended_on=TODAY - DAY)
    assert gaps(overdue) == {"oversight-overdue"}
    assert gaps(due) == gaps(ended) == set()


# -- processing activity using a retired system -----------------------------------------
def test_activity_using_a_retired_system(org):
    retired = complete_activity(org)
    retired.usages.add(owned_usage(org, lifecycle="retired"))
    past_date = complete_activity(org)
    past_date.usages.add(owned_usage(org, lifecycle="phasing_out",
                                     retirement_date=TODAY - DAY))
    in_use = complete_activity(org)
    in_use.usages.add(owned_usage(org, retirement_date=TODAY + DAY))
    assert gaps(retired) == gaps(past_date) == {"activity-uses-retired-system"}
    assert gaps(in_use) == set()


# -- owners -----------------------------------------------------------------------------
def test_usage_without_system_owner(org):
    missing = UsageFactory(organisation=org)
    former = UsageFactory(organisation=org)
    holder(former, "systemejer", "system_usage", start_date=TODAY - 90 * DAY,
           end_date=TODAY - DAY)
    other_role = UsageFactory(organisation=org)
    holder(other_role, "systemansvarlig", "system_usage")
    assert gaps(missing) == gaps(former) == gaps(other_role) == {"usage-without-system-owner"}


def test_usage_with_system_owner_or_retired_is_no_gap(org):
    owned = owned_usage(org)
    retired = UsageFactory(organisation=org, lifecycle="retired")
    assert gaps(owned) == gaps(retired) == set()


def test_contract_without_owner(org):
    missing = ContractFactory(organisation=org)
    owned = ContractFactory(organisation=org)
    holder(owned, "kontraktejer", "contract")
    expired = ContractFactory(organisation=org, start_date=datetime.date(2020, 1, 1),
                              expiry_date=datetime.date(2021, 1, 1))
    assert gaps(missing) == {"contract-without-owner"}
    assert gaps(owned) == gaps(expired) == set()


# -- legal basis and retention ----------------------------------------------------------
def test_activity_without_legal_basis_or_retention(org):
    no_basis = complete_activity(org, legal_basis_art6="")
    no_retention = complete_activity(org, retention="")
    sensitive = complete_activity(org, dpia_needed="no")
    sensitive.data_categories.add(category("helbred"))
    for activity in (no_basis, no_retention, sensitive):
        assert gaps(activity) == {"activity-without-basis-or-retention"}
    sensitive_ok = complete_activity(org, dpia_needed="no", legal_basis_art9="9.2.h")
    sensitive_ok.data_categories.add(category("helbred"))
    assert gaps(sensitive_ok) == gaps(complete_activity(org)) == set()


def test_every_rule_is_tested():
    tested = {
        "personal-data-without-agreement", "sensitive-without-dpia",
        "agreement-transfer-without-basis", "activity-transfer-without-basis",
        "oversight-overdue", "activity-uses-retired-system", "usage-without-system-owner",
        "contract-without-owner", "activity-without-basis-or-retention",
    }
    assert {rule.key for rule in RULES} == tested


# -- counting ---------------------------------------------------------------------------
def test_counts_are_scoped_to_the_organisation(org, other_org, editor, outsider):
    UsageFactory.create_batch(2, organisation=org)
    UsageFactory.create_batch(3, organisation=other_org)
    counts = gap_counts(user=editor, organisation=org, today=TODAY)
    assert counts["usage-without-system-owner"] == 2
    # Another organisation's member sees nothing of org, even when asking for it.
    assert gap_counts(user=outsider, organisation=org, today=TODAY)[
        "usage-without-system-owner"
    ] == 0


def test_counts_within_a_unit_include_its_subtree(org, editor):
    forvaltning = UnitFactory(organisation=org, name="Børn og Unge")
    afdeling = UnitFactory(organisation=org, parent=forvaltning, name="Skoler")
    elsewhere = UnitFactory(organisation=org, name="Teknik")
    UsageFactory(organisation=org, responsible_unit=forvaltning)
    UsageFactory(organisation=org, responsible_unit=afdeling)
    UsageFactory(organisation=org, responsible_unit=elsewhere)
    UsageFactory(organisation=org)
    key = "usage-without-system-owner"
    assert gap_counts(user=editor, organisation=org, unit=forvaltning, today=TODAY)[key] == 2

    whole = gap_counts_by_unit(user=editor, organisation=org, today=TODAY)
    assert [u.name for u in whole.units] == ["Børn og Unge", "Teknik"]
    assert whole.counts[key] == {forvaltning.pk: 2, elsewhere.pk: 1, None: 1}
    assert whole.totals[key] == 4

    inside = gap_counts_by_unit(user=editor, organisation=org, unit=forvaltning, today=TODAY)
    assert inside.units == [afdeling]
    assert inside.breakdown.own_unit == forvaltning
    assert inside.counts[key] == {afdeling.pk: 1, forvaltning.pk: 1}


def test_gaps_for_objects_is_one_query_per_rule(org, django_assert_max_num_queries):
    usages = [UsageFactory(organisation=org) for _ in range(5)]
    contracts = ContractFactory.create_batch(5, organisation=org)
    person = PersonFactory(organisation=org)
    assert person  # the objects of several kinds are checked together
    usage_rules = sum(1 for r in RULES if r.model is type(usages[0]))
    contract_rules = sum(1 for r in RULES if r.model is type(contracts[0]))
    with django_assert_max_num_queries(usage_rules + contract_rules + 1):
        found = gaps_for_objects([*usages, *contracts], today=TODAY)
    assert all(
        "usage-without-system-owner" in {r.key for r in found[(type(u), u.pk)]} for u in usages
    )


# -- pages ------------------------------------------------------------------------------
def overview(org, query=""):
    return reverse("gap_overview", args=[org.slug]) + (f"?{query}" if query else "")


def rule_page(org, key, query=""):
    return reverse("gap_rule", args=[org.slug, key]) + (f"?{query}" if query else "")


def test_pages_need_login(client, org):
    for path in (overview(org), rule_page(org, "oversight-overdue"),
                 reverse("gap_overview_active")):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_other_organisations_overview_is_404(client, org, other_org, outsider, editor):
    client.force_login(outsider)
    assert client.get(overview(org)).status_code == 404
    assert client.get(rule_page(org, "contract-without-owner")).status_code == 404
    client.force_login(editor)
    foreign_unit = UnitFactory(organisation=other_org)
    assert client.get(overview(org, f"within={foreign_unit.uuid}")).status_code == 404
    assert client.get(rule_page(org, "no-such-rule")).status_code == 404


def test_reader_sees_counts_links_and_no_write(client, org, other_org, reader):
    skoler = UnitFactory(organisation=org, name="Skoler")
    UsageFactory(organisation=org, responsible_unit=skoler)
    UsageFactory(organisation=org)
    UsageFactory(organisation=other_org)
    client.force_login(reader)
    response = client.get(overview(org))
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r["rule"].key == "usage-without-system-owner")
    assert row["total"] == 2
    assert [c["count"] for c in row["cells"]] == [1, 1]  # Skoler, without a unit
    html = response.content.decode()
    assert rule_page(org, "usage-without-system-owner", f"within={skoler.uuid}") in html
    assert rule_page(org, "usage-without-system-owner", "without_unit=1") in html
    assert client.post(overview(org)).status_code == 405


def test_rule_page_lists_offending_objects_with_fix_links(client, org, editor):
    skoler = UnitFactory(organisation=org, name="Skoler")
    bad = UsageFactory(organisation=org, responsible_unit=skoler)
    owned_usage(org, responsible_unit=skoler)
    unitless = UsageFactory(organisation=org)
    client.force_login(editor)
    response = client.get(rule_page(org, "usage-without-system-owner"))
    items = response.context["items"]
    assert {item["object"] for item in items} == {bad, unitless}
    html = response.content.decode()
    assert reverse("systemusage_detail", args=[bad.uuid]) in html
    assert "Udpeg en systemejer." in html
    within = client.get(rule_page(org, "usage-without-system-owner", f"within={skoler.uuid}"))
    assert [item["object"] for item in within.context["items"]] == [bad]
    without = client.get(rule_page(org, "usage-without-system-owner", "without_unit=1"))
    assert [item["object"] for item in without.context["items"]] == [unitless]


def test_direct_cell_counts_the_unit_itself(client, org, editor):
    forvaltning = UnitFactory(organisation=org, name="Børn og Unge")
    skoler = UnitFactory(organisation=org, parent=forvaltning, name="Skoler")
    on_forvaltning = ContractFactory(organisation=org, responsible_unit=forvaltning)
    ContractFactory(organisation=org, responsible_unit=skoler)
    client.force_login(editor)
    response = client.get(overview(org, f"within={forvaltning.uuid}"))
    assert [c[0] for c in response.context["columns"]] == ["Skoler", "Børn og Unge selv"]
    query = f"within={forvaltning.uuid}&direct=1"
    page = client.get(rule_page(org, "contract-without-owner", query))
    assert [item["object"] for item in page.context["items"]] == [on_forvaltning]


def _populate(org, n):
    units = [UnitFactory(organisation=org) for _ in range(3)]
    for i in range(n):
        usage = with_personal_data(UsageFactory(organisation=org, responsible_unit=units[i % 3]))
        ContractFactory(organisation=org, responsible_unit=units[i % 3])
        activity = ProcessingActivityFactory(organisation=org, responsible_unit=units[i % 3])
        activity.usages.add(usage)
        activity.data_categories.add(category("cpr"))
        AgreementFactory(organisation=org, next_oversight_date=TODAY - DAY,
                         third_country_transfer=True)


def test_overview_query_count_is_the_same_for_5_and_50_objects(client, org, editor):
    client.force_login(editor)
    _populate(org, 5)
    count_queries(client, overview(org))
    few = count_queries(client, overview(org))
    _populate(org, 45)
    many = count_queries(client, overview(org))
    assert few == many


def test_rule_page_query_count_is_the_same_for_5_and_50_objects(client, org, editor):
    client.force_login(editor)
    _populate(org, 5)
    path = rule_page(org, "personal-data-without-agreement")
    count_queries(client, path)
    few = count_queries(client, path)
    _populate(org, 45)
    assert count_queries(client, path) == few
