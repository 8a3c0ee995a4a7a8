"""factory_boy factories for the domain. Related objects default to the same
organisation so that a factory never builds a cross-tenant object by accident."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from contracts.models import Contract, ContractCoverage, CostLine
from gdpr.models import (
    DataAsset,
    DataCategory,
    DataProcessingAgreement,
    OversightRecord,
    ProcessingActivity,
    SubProcessor,
)
from kitos.models import Membership, Organisation
from portfolio.models import Integration, Interface, ItSystem, Supplier, SystemUsage
from roles.models import Competency, Discipline, OrganisationUnit, Person, RoleAssignment, RoleType


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.dk")
    password = factory.django.Password("test-password-123")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Kommune {n}")
    slug = factory.Sequence(lambda n: f"kommune-{n}")
    cvr = factory.Sequence(lambda n: f"{30000000 + n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "editor"


class UnitFactory(factory.django.DjangoModelFactory):
    """Units keep their tree path like roles.services.unit_create does."""

    class Meta:
        model = OrganisationUnit
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Enhed {n}")

    @factory.post_generation
    def set_path(obj, create, extracted, **kwargs):
        if create:
            obj.path = f"{obj.parent.path if obj.parent else '/'}{obj.pk}/"
            obj.depth = obj.path.count("/") - 2
            obj.save(update_fields=["path", "depth"])


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.dk")


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    name = factory.Sequence(lambda n: f"Leverandør {n} A/S")
    cvr = factory.Sequence(lambda n: f"{40000000 + n}")


class ItSystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItSystem

    name = factory.Sequence(lambda n: f"System {n}")
    rights_holder = factory.SubFactory(SupplierFactory)
    business_type = "esdh"


class UsageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SystemUsage

    organisation = factory.SubFactory(OrganisationFactory)
    system = factory.SubFactory(ItSystemFactory)
    lifecycle = "operational"


class IntegrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Integration

    organisation = factory.SubFactory(OrganisationFactory)
    source = factory.SubFactory(UsageFactory, organisation=factory.SelfAttribute("..organisation"))
    target = factory.SubFactory(UsageFactory, organisation=factory.SelfAttribute("..organisation"))
    name = factory.Sequence(lambda n: f"Integration {n}")


class InterfaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interface

    name = factory.Sequence(lambda n: f"Snitflade {n}")
    exposed_by = factory.SubFactory(ItSystemFactory)


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Kontrakt {n}")
    contract_number = factory.Sequence(lambda n: f"K-{n:05d}")
    supplier = factory.SubFactory(SupplierFactory)
    start_date = datetime.date(2024, 1, 1)
    expiry_date = datetime.date(2027, 12, 31)
    notice_months = 3
    yearly_cost = Decimal("100000.00")


class CoverageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractCoverage

    contract = factory.SubFactory(ContractFactory)
    usage = factory.SubFactory(
        UsageFactory, organisation=factory.SelfAttribute("..contract.organisation")
    )
    organisation = factory.SelfAttribute("contract.organisation")


class CostLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CostLine

    contract = factory.SubFactory(ContractFactory)
    year = 2026
    amount = Decimal("50000")


class RoleTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleType

    code = factory.Sequence(lambda n: f"rolle-{n}")
    name = factory.Sequence(lambda n: f"Rolle {n}")
    applies_to = "system_usage"


def standard_role(code: str, applies_to: str = "contract") -> RoleType:
    """One of the shared standard role types (seeded by migration, organisation None)."""
    return RoleType.objects.get(organisation=None, applies_to=applies_to, code=code)


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment
        exclude = ("target",)

    target = factory.SubFactory(UsageFactory)
    organisation = factory.SelfAttribute("target.organisation")
    person = factory.SubFactory(PersonFactory, organisation=factory.SelfAttribute("..organisation"))
    role_type = factory.SubFactory(RoleTypeFactory)
    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.target))
    object_id = factory.SelfAttribute("target.pk")


class DisciplineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Discipline

    code = factory.Sequence(lambda n: f"fag-{n}")
    name = factory.Sequence(lambda n: f"Fag {n}")


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SelfAttribute("person.organisation")
    discipline = factory.SubFactory(DisciplineFactory)
    level = "skill"


class DataCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataCategory

    code = factory.Sequence(lambda n: f"kat-{n}")
    name = factory.Sequence(lambda n: f"Kategori {n}")
    kind = "ordinary"


class DataAssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataAsset

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Dataaktiv {n}")


class ProcessingActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessingActivity

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Behandling {n}")
    purpose = "Sagsbehandling"


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataProcessingAgreement

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Databehandleraftale {n}")
    processor = factory.SubFactory(SupplierFactory)


class SubProcessorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubProcessor

    agreement = factory.SubFactory(AgreementFactory)
    supplier = factory.SubFactory(SupplierFactory)
    country = "DK"


class OversightRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OversightRecord

    agreement = factory.SubFactory(AgreementFactory)
    date = datetime.date(2026, 1, 15)
    method = "isae3402_2"
