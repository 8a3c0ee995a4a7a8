"""The portfolio app's models, declared once for the shared list, detail and form tests
(tests/harness.py): catalog systems, system usages and integrations."""

from __future__ import annotations

import datetime

from gdpr.models import DataAssetUsage
from portfolio import tables
from portfolio.models import Integration, Interface, ItSystem, KleNumber, SystemUsage
from tests.detail_helpers import add_history
from tests.factories import (
    AgreementFactory,
    ContractFactory,
    CoverageFactory,
    DataAssetFactory,
    DataCategoryFactory,
    IntegrationFactory,
    InterfaceFactory,
    ItSystemFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
    UnitFactory,
    UsageFactory,
)
from tests.harness import ModelCase
from tests.lists_support import hold_role

TODAY = datetime.date.today()


# -- catalog systems (shared: every organisation sees them, admins maintain local ones) ----


def system_row(org, label):
    system = ItSystemFactory(name=label, is_local=True, owner_organisation=org)
    UsageFactory(organisation=org, system=system)
    return system


def add_system_rows(system, count):
    start = KleNumber.objects.count()
    for i in range(count):
        ItSystemFactory(parent=system, owner_organisation=system.owner_organisation)
        number = KleNumber.objects.create(
            number=f"{(start + i) % 100:02d}.{i % 100:02d}", title="x"
        )
        system.kle_numbers.add(number)
    add_history(system, count)


SYSTEM = ModelCase(
    model=ItSystem,
    shared_catalog=True,
    make=lambda org: ItSystemFactory(owner_organisation=org, is_local=True),
    make_row=system_row,
    columns=tables.SYSTEM_COLUMNS,
    tabs=("overblik", "anvendelser", "snitflader", "roller", "historik"),
    add_rows=add_system_rows,
    form_data=lambda org: {
        "name": "Lokalt system", "licence_model": "proprietary", "is_local": "on"
    },
    change={"description": "Ny beskrivelse"},
    changed=lambda system: system.description == "Ny beskrivelse",
    cross_field="parent",
    cross_value=lambda other: ItSystemFactory(owner_organisation=other, is_local=True).pk,
    invalid={"url": "ikke en adresse"},
)


# -- system usages -----------------------------------------------------------------------


def usage_row(org, label):
    usage = UsageFactory(organisation=org, local_name=label,
                         responsible_unit=UnitFactory(organisation=org))
    usage.using_units.add(usage.responsible_unit, through_defaults={"organisation": org})
    hold_role(usage, "systemejer")
    hold_role(usage, "systemansvarlig")
    CoverageFactory(usage=usage, contract__organisation=org)
    return usage


def add_usage_rows(usage, count):
    org = usage.organisation
    category = DataCategoryFactory()
    for i in range(count):
        RoleAssignmentFactory(target=usage)
        RoleAssignmentFactory(
            target=usage,
            start_date=TODAY - datetime.timedelta(days=400),
            end_date=TODAY - datetime.timedelta(days=i + 1),
        )
        CoverageFactory(usage=usage, contract=ContractFactory(organisation=org))
        asset = DataAssetFactory(organisation=org)
        asset.categories.add(category)
        DataAssetUsage.objects.create(asset=asset, usage=usage)
        ProcessingActivityFactory(organisation=org).usages.add(usage)
        AgreementFactory(organisation=org).usages.add(usage)
        IntegrationFactory(organisation=org, source=usage).data_assets.add(asset)
        IntegrationFactory(organisation=org, target=usage)
    add_history(usage, count)


def usage_data(org):
    return {
        "system": ItSystemFactory().pk,
        "local_name": "Ny anvendelse",
        "lifecycle": "operational",
        "contains_ai": "unknown",
        "go_live_date": "2024-01-01",
        "using_units": [UnitFactory(organisation=org).pk],
    }


USAGE = ModelCase(
    model=SystemUsage,
    make=lambda org: UsageFactory(organisation=org),
    make_row=usage_row,
    columns=tables.USAGE_COLUMNS,
    tabs=("overblik", "kontrakter", "data", "roller", "integrationer", "historik"),
    add_rows=add_usage_rows,
    form_data=usage_data,
    change={"local_name": "Omdøbt", "lifecycle": "phasing_out"},
    changed=lambda usage: usage.local_name == "Omdøbt" and usage.lifecycle == "phasing_out",
    cross_field="responsible_unit",
    cross_value=lambda other: UnitFactory(organisation=other).pk,
    # The model's rule (retirement after go-live), checked by the service.
    invalid={"retirement_date": "2023-01-01"},
    lookup=lambda org: SystemUsage.objects.get(organisation=org, local_name="Ny anvendelse"),
)


# -- integrations ------------------------------------------------------------------------


def integration_row(org, label):
    return IntegrationFactory(organisation=org, name=label)


def add_integration_rows(integration, count):
    org = integration.organisation
    for _ in range(count):
        DataAssetFactory(organisation=org).integrations.add(integration)
        ContractFactory(organisation=org).integrations.add(integration)
    add_history(integration, count)


def integration_data(org):
    return {
        "name": "Ny integration",
        "source": UsageFactory(organisation=org).pk,
        "target": UsageFactory(organisation=org).pk,
        "direction": "one_way",
        "interface_type": "rest",
    }


INTEGRATION = ModelCase(
    model=Integration,
    make=lambda org: IntegrationFactory(organisation=org),
    make_row=integration_row,
    columns=tables.INTEGRATION_COLUMNS,
    tabs=("overblik", "roller", "historik"),
    add_rows=add_integration_rows,
    form_data=integration_data,
    change={"frequency": "daily"},
    changed=lambda integration: integration.frequency == "daily",
    cross_field="target",
    cross_value=lambda other: UsageFactory(organisation=other).pk,
    invalid={"name": ""},
)


# -- catalog interfaces (snitflader; shared like the systems) ------------------------------


def interface_row(org, label):
    from kitos.models import Option

    interface = InterfaceFactory(
        name=label, is_local=True, owner_organisation=org,
        exposed_by=ItSystemFactory(owner_organisation=org, is_local=True),
        interface_type=Option.objects.get(kind="interface_type", code="rest"),
    )
    interface.data_rows.create(description="CPR-nummer")
    return interface


def add_interface_rows(interface, count):
    org = interface.owner_organisation
    usage = (SystemUsage.objects.filter(organisation=org, system=interface.exposed_by).first()
             or UsageFactory(organisation=org, system=interface.exposed_by))
    for _ in range(count):
        interface.data_rows.create(description="Data")
        IntegrationFactory(organisation=org, target=usage, interface=interface)
    add_history(interface, count)


INTERFACE = ModelCase(
    model=Interface,
    shared_catalog=True,
    make=lambda org: InterfaceFactory(
        owner_organisation=org, is_local=True,
        exposed_by=ItSystemFactory(owner_organisation=org, is_local=True)),
    make_row=interface_row,
    columns=tables.INTERFACE_COLUMNS,
    tabs=("overblik", "integrationer", "historik"),
    add_rows=add_interface_rows,
    form_data=lambda org: {
        "name": "Lokal snitflade", "version": "1.0", "is_local": "on",
        "data_rows": "CPR-nummer; Personoplysninger\nSagsnummer",
    },
    change={"description": "Ny beskrivelse"},
    changed=lambda interface: interface.description == "Ny beskrivelse",
    cross_field="exposed_by",
    cross_value=lambda other: ItSystemFactory(owner_organisation=other, is_local=True).pk,
    invalid={"version": "x" * 21},
)
