"""Named database constraints hold even when the services are bypassed, and the
services turn them into clear validation errors."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from contracts.models import Contract, ContractCoverage
from contracts.services import contract_create, contract_set_coverage
from gdpr.models import ProcessingActivity
from portfolio.models import Integration, SystemUsage, SystemUsageUnit
from portfolio.services import usage_create
from roles.models import OrganisationUnit, RoleAssignment
from tests.factories import (
    CompetencyFactory,
    ContractFactory,
    CostLineFactory,
    IntegrationFactory,
    ItSystemFactory,
    OrganisationFactory,
    PersonFactory,
    RoleAssignmentFactory,
    SupplierFactory,
    UnitFactory,
    UsageFactory,
)

pytestmark = pytest.mark.django_db


def violates(constraint_name, make):
    """Assert that `make()` fails in the database with the named constraint."""
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        make()
    # SQLite names CHECK constraints in its message; UNIQUE ones by their columns.
    if connection.vendor == "postgresql":
        assert constraint_name in str(error.value)


class TestContracts:
    def test_contract_number_unique_per_organisation(self, org, other_org):
        ContractFactory(organisation=org, contract_number="K-1")
        ContractFactory(organisation=other_org, contract_number="K-1")  # other tenant: fine
        violates(
            "contract_unique_number_per_org",
            lambda: ContractFactory(organisation=org, contract_number="K-1"),
        )

    def test_blank_contract_numbers_do_not_collide(self, org):
        ContractFactory(organisation=org, contract_number="")
        ContractFactory(organisation=org, contract_number="")

    def test_contract_name_unique_per_organisation_ignoring_case(self, org):
        ContractFactory(organisation=org, name="Drift af ESDH")
        violates(
            "contract_unique_name_per_org",
            lambda: ContractFactory(organisation=org, name="drift af esdh"),
        )

    def test_expiry_not_before_start(self, org):
        violates(
            "contract_expiry_after_start",
            lambda: ContractFactory(
                organisation=org,
                start_date=datetime.date(2026, 1, 1),
                expiry_date=datetime.date(2025, 12, 31),
            ),
        )

    def test_amounts_not_negative(self, org):
        violates(
            "contract_yearly_cost_not_negative",
            lambda: ContractFactory(organisation=org, yearly_cost=Decimal("-1")),
        )
        violates(
            "costline_amount_not_negative",
            lambda: CostLineFactory(contract=ContractFactory(organisation=org), amount=-5),
        )

    def test_extensions_used_not_above_total(self, org):
        violates(
            "contract_extensions_used_le_total",
            lambda: ContractFactory(
                organisation=org, extension_months=12, extensions_total=1, extensions_used=2
            ),
        )

    def test_service_reports_constraints_as_validation_errors(self, org, editor):
        contract_create(actor=editor, organisation=org, name="A", contract_number="K-9")
        with pytest.raises(ValidationError):
            contract_create(actor=editor, organisation=org, name="B", contract_number="K-9")
        with pytest.raises(ValidationError) as error:
            contract_create(actor=editor, organisation=org, name="C", yearly_cost=Decimal("-3"))
        # The constraint's own Danish message, on the field it is about (it used to be
        # Django's default naming the constraint, "contract_yearly_cost_not_negative").
        assert error.value.message_dict == {
            "yearly_cost": ["Den årlige driftsudgift kan ikke være negativ."]
        }
        assert Contract.objects.count() == 1

    def test_one_main_contract_per_usage(self, org, editor):
        usage = UsageFactory(organisation=org)
        first = ContractFactory(organisation=org)
        second = ContractFactory(organisation=org)
        contract_set_coverage(actor=editor, contract=first, usages=[usage], main_for=[usage])
        contract_set_coverage(actor=editor, contract=second, usages=[usage], main_for=[usage])
        links = ContractCoverage.objects.filter(usage=usage)
        assert {(link.contract_id, link.is_main) for link in links} == {
            (first.pk, False),
            (second.pk, True),
        }
        violates(
            "coverage_one_main_per_usage",
            lambda: ContractCoverage.objects.filter(contract=first).update(is_main=True),
        )


class TestSuppliersAndCatalog:
    def test_supplier_cvr_unique_when_given(self):
        SupplierFactory(cvr="12345678")
        SupplierFactory(cvr="")
        SupplierFactory(cvr="", name="Anden udenlandsk")
        violates("supplier_cvr_unique", lambda: SupplierFactory(cvr="12345678"))

    def test_supplier_cvr_is_eight_digits(self):
        violates("supplier_cvr_8_digits", lambda: SupplierFactory(cvr="1234"))

    def test_shared_system_names_unique_ignoring_case(self):
        ItSystemFactory(name="Nexus")
        violates("itsystem_unique_shared_name", lambda: ItSystemFactory(name="NEXUS"))

    def test_usage_unique_per_system_and_organisation(self, org):
        usage = UsageFactory(organisation=org)
        UsageFactory(organisation=OrganisationFactory(), system=usage.system)
        violates(
            "usage_unique_system_per_org",
            lambda: UsageFactory(organisation=org, system=usage.system),
        )

    def test_integration_not_to_itself(self, org):
        usage = UsageFactory(organisation=org)
        violates(
            "integration_source_not_target",
            lambda: IntegrationFactory(organisation=org, source=usage, target=usage),
        )


class TestOrganisationAndRoles:
    def test_unit_ean_has_13_digits(self, org):
        UnitFactory(organisation=org, ean="5798000000001")
        violates("unit_ean_13_digits", lambda: UnitFactory(organisation=org, ean="123"))

    def test_unit_names_unique_under_a_parent(self, org):
        parent = UnitFactory(organisation=org)
        UnitFactory(organisation=org, parent=parent, name="IT")
        violates(
            "unit_unique_name_per_parent",
            lambda: UnitFactory(organisation=org, parent=parent, name="IT"),
        )

    def test_role_assignment_end_not_before_start(self, org):
        violates(
            "roleassignment_end_after_start",
            lambda: RoleAssignmentFactory(
                target=UsageFactory(organisation=org),
                start_date=datetime.date(2026, 5, 1),
                end_date=datetime.date(2026, 4, 1),
            ),
        )

    def test_one_open_assignment_per_person_role_and_object(self, org):
        first = RoleAssignmentFactory(target=UsageFactory(organisation=org))
        # An ended assignment of the same role may stay in the history.
        RoleAssignmentFactory(
            target=first.target,
            person=first.person,
            role_type=first.role_type,
            end_date=datetime.date(2025, 1, 1),
        )
        violates(
            "roleassignment_unique_open",
            lambda: RoleAssignment.objects.create(
                organisation=org,
                person=first.person,
                role_type=first.role_type,
                content_type=first.content_type,
                object_id=first.object_id,
            ),
        )

    def test_competency_unique_per_discipline(self, org):
        competency = CompetencyFactory(person=PersonFactory(organisation=org))
        violates(
            "competency_unique_person_discipline",
            lambda: CompetencyFactory(person=competency.person, discipline=competency.discipline),
        )


class TestSameOrganisation:
    """A usage's units, a contract's usages etc. belong to its organisation: the services
    refuse it on every database, PostgreSQL also refuses it in the database."""

    def test_service_refuses_unit_of_other_organisation(self, org, other_org, editor):
        foreign_unit = UnitFactory(organisation=other_org)
        with pytest.raises(ValidationError) as error:
            usage_create(
                actor=editor, organisation=org, system=ItSystemFactory(),
                responsible_unit=foreign_unit,
            )
        assert "responsible_unit" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            usage_create(
                actor=editor, organisation=org, system=ItSystemFactory(),
                using_units=[foreign_unit],
            )
        assert "using_units" in error.value.message_dict
        assert not SystemUsage.objects.exists()

    def test_service_refuses_usage_of_other_organisation_on_contract(
        self, org, other_org, editor
    ):
        contract = ContractFactory(organisation=org)
        with pytest.raises(ValidationError):
            contract_set_coverage(
                actor=editor, contract=contract, usages=[UsageFactory(organisation=other_org)]
            )
        assert not ContractCoverage.objects.exists()

    def test_service_refuses_another_organisations_local_system(self, org, other_org, editor):
        local = ItSystemFactory(is_local=True, owner_organisation=other_org)
        with pytest.raises(ValidationError):
            usage_create(actor=editor, organisation=org, system=local)

    @pytest.mark.skipif(
        connection.vendor != "postgresql", reason="composite foreign keys are PostgreSQL-only"
    )
    @pytest.mark.parametrize(
        "make",
        [
            lambda org, other: UsageFactory(
                organisation=org, responsible_unit=UnitFactory(organisation=other)
            ),
            lambda org, other: SystemUsageUnit.objects.create(
                usage=UsageFactory(organisation=org), unit=UnitFactory(organisation=other)
            ),
            lambda org, other: Integration.objects.create(
                organisation=org,
                name="x",
                source=UsageFactory(organisation=org),
                target=UsageFactory(organisation=other),
            ),
            lambda org, other: ContractCoverage.objects.create(
                contract=ContractFactory(organisation=org), usage=UsageFactory(organisation=other)
            ),
            lambda org, other: ProcessingActivity.objects.create(
                organisation=org, name="x", responsible_unit=UnitFactory(organisation=other)
            ),
            lambda org, other: OrganisationUnit.objects.create(
                organisation=org, name="x", parent=UnitFactory(organisation=other)
            ),
        ],
    )
    def test_database_refuses_cross_organisation_links(self, org, other_org, make):
        with pytest.raises(IntegrityError), transaction.atomic():
            make(org, other_org)
            # The keys are deferred to the end of the transaction; check them now.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
