"""The one rule for the shared catalog: an organisation may use a shared entry or a
local entry it owns (kitos.tenancy: SharedCatalogQuerySet.usable_by in SQL and
SharedCatalogModel.usable_by in Python), and every writer refuses anything else."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kitos.tenancy import catalog_reference_errors
from portfolio.models import ItSystem, Supplier
from tests.factories import ContractFactory, ItSystemFactory, SupplierFactory, UsageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(org, other_org):
    return {
        "shared": SupplierFactory(),
        "own": SupplierFactory(is_local=True, owner_organisation=org),
        "others": SupplierFactory(is_local=True, owner_organisation=other_org),
    }


def test_queryset_and_model_give_the_same_answer(org, other_org, entries):
    for organisation in (org, other_org):
        usable = set(Supplier.objects.usable_by(organisation).values_list("pk", flat=True))
        assert usable == {
            entry.pk for entry in entries.values() if entry.usable_by(organisation.pk)
        }
    assert {e.pk for e in Supplier.objects.usable_by(org.pk)} == {
        entries["shared"].pk, entries["own"].pk
    }


def test_reference_errors_follow_the_rule(org, entries):
    references = {f"{name}_entry": entry for name, entry in entries.items()}
    errors = catalog_reference_errors(organisation_id=org.pk, shared=False, **references)
    assert set(errors) == {"others_entry"}
    # From a shared entry, which every organisation sees, no local entry may be used.
    errors = catalog_reference_errors(organisation_id=org.pk, shared=True, **references)
    assert set(errors) == {"own_entry", "others_entry"}


def test_models_refuse_another_organisations_local_entry(org, other_org, entries):
    contract = ContractFactory.build(organisation=org, supplier=entries["others"])
    with pytest.raises(ValidationError) as error:
        contract.full_clean()
    assert "supplier" in error.value.message_dict
    system = ItSystemFactory(is_local=True, owner_organisation=other_org,
                             rights_holder=entries["shared"])
    usage = UsageFactory.build(organisation=org, system=system)
    with pytest.raises(ValidationError) as error:
        usage.full_clean()
    assert "system" in error.value.message_dict
    assert ItSystem.objects.usable_by(other_org).filter(pk=system.pk).exists()
