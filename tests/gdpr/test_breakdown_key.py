"""Breakdown.key_of (rows grouped by unit id, put in rows in Python) agrees with
Breakdown.bucket (the same in SQL) for every unit of a tree, for the whole organisation
and for a chosen unit."""

from __future__ import annotations

import pytest

from contracts.models import Contract
from gdpr.gaps import breakdown
from roles.models import OrganisationUnit
from tests.factories import ContractFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("one_root", [True, False])
def test_key_of_is_bucket_for_every_unit(org, admin_user, one_root):
    root = UnitFactory(organisation=org, name="Kommunen")
    tops = [UnitFactory(organisation=org, name=f"Forvaltning {i}",
                        parent=root if one_root else None) for i in range(3)]
    teams = [UnitFactory(organisation=org, name=f"Team {i}", parent=top)
             for i, top in enumerate(tops)]
    deep = UnitFactory(organisation=org, name="Gruppe", parent=teams[0])
    holders = [root, *tops, *teams, deep, None]
    for index, unit in enumerate(holders):
        ContractFactory(organisation=org, name=f"Kontrakt {index}", responsible_unit=unit)
    paths = dict(OrganisationUnit.objects.values_list("pk", "path"))

    for chosen in (None, tops[0], teams[0]):
        rows = breakdown(user=admin_user, organisation=org, unit=chosen)
        in_sql = dict(
            Contract.objects.filter(organisation=org)
            .annotate(bucket=rows.bucket("responsible_unit"))
            .values_list("responsible_unit_id", "bucket")
        )
        in_python = {unit_id: rows.key_of(unit_id, paths) for unit_id in in_sql}
        assert in_python == in_sql, chosen
        # Not every key is None: the comparison means something.
        assert any(key is not None for key in in_sql.values())
