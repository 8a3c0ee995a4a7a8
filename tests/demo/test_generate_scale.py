"""generate_scale: the counts asked for, every row in its own organisation, deadlines as
the contract model computes them, deterministic, a clean second run, and portal pages
that answer for a generated member."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from contracts.models import Contract, ContractCoverage
from demo.scale import ScaleGenerator, Sizes
from gdpr.models import ProcessingActivity
from kitos.models import Membership, Organisation
from portfolio.models import Integration, Supplier, SystemUsage, SystemUsageUnit
from roles.models import OrganisationUnit, Person, RoleAssignment

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 21)


def generate(**options) -> str:
    out = StringIO()
    options = {"organisations": 2, "usages": 20, "contracts": 30, "seed": 7,
               "today": TODAY, **options}
    call_command("generate_scale", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def generated(db):
    return generate(logins=True)


def test_counts_per_organisation(generated):
    organisations = Organisation.objects.filter(slug__startswith="skala-").order_by("slug")
    assert [o.slug for o in organisations] == ["skala-001", "skala-002"]
    for organisation in organisations:
        assert SystemUsage.objects.filter(organisation=organisation).count() == 20
        assert Contract.objects.filter(organisation=organisation).count() == 30
        assert OrganisationUnit.objects.filter(organisation=organisation).count() > 8
        assert Person.objects.filter(organisation=organisation).count() >= 10
        assert ProcessingActivity.objects.filter(organisation=organisation).count() >= 3
        assert Integration.objects.filter(organisation=organisation).exists()
        assert ContractCoverage.objects.filter(organisation=organisation).count() >= 25
        assert RoleAssignment.objects.filter(organisation=organisation).count() > 30
        assert set(Membership.objects.filter(organisation=organisation)
                   .values_list("role", flat=True)) == {"reader", "editor"}
    assert "60 kontrakter" in generated and "Færdig på" in generated


def test_every_row_stays_in_its_organisation(generated):
    for contract in Contract.objects.select_related("responsible_unit"):
        assert contract.responsible_unit.organisation_id == contract.organisation_id
    for coverage in ContractCoverage.objects.select_related("contract", "usage"):
        assert coverage.contract.organisation_id == coverage.organisation_id
        assert coverage.usage.organisation_id == coverage.organisation_id
    for link in SystemUsageUnit.objects.select_related("usage", "unit"):
        assert link.usage.organisation_id == link.unit.organisation_id == link.organisation_id
    for integration in Integration.objects.select_related("source", "target"):
        assert (integration.source.organisation_id == integration.target.organisation_id
                == integration.organisation_id)
    for activity in ProcessingActivity.objects.prefetch_related("usages"):
        assert {u.organisation_id for u in activity.usages.all()} <= {activity.organisation_id}
    for assignment in RoleAssignment.objects.select_related("person"):
        assert assignment.person.organisation_id == assignment.organisation_id
        assert assignment.target.organisation_id == assignment.organisation_id
    for unit in OrganisationUnit.objects.select_related("parent"):
        expected = f"{unit.parent.path if unit.parent_id else '/'}{unit.pk}/"
        assert unit.path == expected
    # At most one main contract per usage (the database's constraint held).
    assert ContractCoverage.objects.filter(is_main=True).count() == len(
        set(ContractCoverage.objects.filter(is_main=True).values_list("usage", flat=True)))


def test_deadlines_are_the_models_own(generated):
    contracts = list(Contract.objects.all())
    assert len({c.status for c in contracts}) >= 3
    for contract in contracts:
        stored = (contract.status, contract.next_end, contract.notice_deadline,
                  contract.retender_start)
        assert contract.apply_deadlines(TODAY) is False, contract
        assert stored == (contract.status, contract.next_end, contract.notice_deadline,
                          contract.retender_start)
        assert contract.deadlines_computed_on == TODAY


def snapshot():
    return sorted(
        (c.organisation.slug, c.name, c.contract_number, c.start_date, c.expiry_date,
         c.notice_deadline, str(c.uuid), c.supplier.name if c.supplier else "")
        for c in Contract.objects.select_related("organisation", "supplier"))


def test_same_seed_same_data(db):
    class Undo(Exception):
        pass

    def run():
        try:
            with transaction.atomic():
                ScaleGenerator(sizes=Sizes(usages=10, contracts=12), organisations=1, seed=3,
                               today=TODAY).run()
                taken = snapshot()
                raise Undo
        except Undo:
            return taken

    first = run()
    assert first and first == run()


def test_second_run_adds_new_organisations(generated):
    contracts = Contract.objects.count()
    output = generate(organisations=1)
    assert "skala-003" in output
    assert Contract.objects.count() == contracts + 30
    assert Contract.objects.filter(organisation__slug="skala-001").count() == 30
    # A bigger run grows the shared catalog beside the entries already there.
    suppliers = Supplier.objects.count()
    generate(organisations=1, usages=450, contracts=5)
    assert Supplier.objects.count() > suppliers
    assert SystemUsage.objects.filter(organisation__slug="skala-004").count() == 450


def test_adds_to_an_existing_organisation(generated):
    generate(organisation_slug="skala-001", usages=5, contracts=7)
    assert Contract.objects.filter(organisation__slug="skala-001").count() == 37
    assert SystemUsage.objects.filter(organisation__slug="skala-001").count() == 25
    with pytest.raises(CommandError, match="findes ikke"):
        generate(organisation_slug="ingen-kommune")


def test_portal_pages_answer_for_a_member(client, generated):
    client.force_login(get_user_model().objects.get(username="skala-001-laeser"))
    for url in (reverse("dashboard", kwargs={"slug": "skala-001"}), reverse("contract_list"),
                reverse("search") + "?q=licens"):
        response = client.get(url)
        assert response.status_code == 200, url
    # Nothing of the other generated organisation shows.
    html = client.get(reverse("contract_list")).content.decode()
    own = Contract.objects.filter(organisation__slug="skala-001").order_by("name")
    others = Contract.objects.filter(organisation__slug="skala-002").exclude(
        name__in=own.values("name")).order_by("name")
    assert own[0].name in html and others[0].name not in html
