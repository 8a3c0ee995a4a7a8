"""A PATCH changes only what it sends (issue #15): for every writable API resource, a
fully populated object gets one field PATCHed (with If-Match from a GET), and then every
other concrete field and many-to-many of the stored row is as it was, and the write's
audit entry names that field alone.

Generated clients used to send the schema's `default`s with every PATCH (patching a
contract's notes wiped its contract number); the server must not apply them either.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from rest_framework.test import APIClient

from contracts.models import DeadlineDecision
from gdpr.models import DataAssetUsage
from kitos.api.registry import ROUTES
from kitos.models import AuditEntry
from portfolio.models import KleNumber
from tests.factories import (
    AgreementFactory,
    CompetencyFactory,
    ContractFactory,
    CostLineFactory,
    CoverageFactory,
    DataAssetFactory,
    DataCategoryFactory,
    DisciplineFactory,
    IntegrationFactory,
    InterfaceFactory,
    ItSystemFactory,
    OversightRecordFactory,
    PersonFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
    RoleTypeFactory,
    SubProcessorFactory,
    SupplierFactory,
    UnitFactory,
    UsageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def _kle(*numbers):
    return [KleNumber.objects.get_or_create(number=n, defaults={"title": f"KLE {n}"})[0]
            for n in numbers]


# -- fully populated objects -------------------------------------------------------------


def _organisation(org):
    return org


def _unit(org):
    parent = UnitFactory(organisation=org, name="Forvaltning")
    return UnitFactory(organisation=org, parent=parent, name="Afdeling", local_code="LC-7",
                       ean="5798000000007", external_reference="ext-unit")


def _person(org):
    return PersonFactory(organisation=org, phone="12345678", title="Fuldmægtig",
                         unit=UnitFactory(organisation=org), left_on=D(2030, 1, 1),
                         external_reference="ext-person")


def _role_type(org):
    return RoleTypeFactory(organisation=org, description="Beskrivelse", applies_to="contract",
                           is_specialist=True, is_required=True,
                           discipline=DisciplineFactory(organisation=org), sort_order=7)


def _role_assignment(org):
    return RoleAssignmentFactory(target=UsageFactory(organisation=org),
                                 start_date=D(2024, 1, 1), end_date=D(2030, 1, 1),
                                 note="Systemejer")


def _discipline(org):
    return DisciplineFactory(organisation=org, description="Fagets beskrivelse")


def _competency(org):
    return CompetencyFactory(person=PersonFactory(organisation=org), note="Erfaren",
                             discipline=DisciplineFactory(organisation=org), level="teacher")


def _system(org):
    system = ItSystemFactory(
        name="Lokalt system", previous_names="Gammelt navn", description="Beskrivelse",
        rights_holder=SupplierFactory(owner_organisation=org, is_local=True),
        business_type="economy", url="https://system.example.dk", licence_model="open_source",
        parent=ItSystemFactory(owner_organisation=org, is_local=True),
        external_reference="ext-system", owner_organisation=org, is_local=True,
        archive_duty_recommendation="BD", archive_duty_recommendation_comment="Se vejledning",
    )
    system.kle_numbers.set(_kle("00.01.00", "00.01.02"))
    return system


def _interface(org):
    from kitos.models import Option

    interface = InterfaceFactory(
        name="Sagsservice", interface_id="SAG-1", version="2.0", url="https://if.example.dk",
        description="Beskrivelse", notes="Note", is_deactivated=False,
        interface_type=Option.objects.get(kind="interface_type", code="rest"),
        exposed_by=ItSystemFactory(owner_organisation=org, is_local=True),
        owner_organisation=org, is_local=True,
    )
    interface.data_rows.create(
        description="Sagsnummer", data_type=Option.objects.get(kind="interface_data_type",
                                                                code="text"))
    return interface


def _usage(org):
    usage = UsageFactory(
        organisation=org, local_name="ESDH lokalt", local_id="U-1", version="2.1",
        responsible_unit=UnitFactory(organisation=org), lifecycle="operational",
        go_live_date=D(2020, 1, 1), retirement_date=D(2035, 1, 1), criticality="high",
        socially_critical="yes", data_classification="confidential", hosting="saas",
        user_count="50_99", contains_ai="no", archive_duty="B", time_assessment="invest",
        time_reason="Strategisk", notes="Noter", reference_url="https://usage.example.dk",
        external_reference="ext-usage",
        web_accessibility="partially", web_accessibility_checked_on=D(2026, 4, 1),
        web_accessibility_notes="Mangler alt-tekster",
        archive_type=_option("archive_type", "archival_version"),
        archive_location=_option("archive_location", "rigsarkivet"),
        archive_test_location=_option("archive_test_location", "supplier"),
        archive_supplier=SupplierFactory(), archive_active=True, archive_notes="Arkiv",
        archive_frequency_years=5, document_bearing=True, purpose="Formål",
        ordinary_personal_data=True, sensitive_personal_data=True, criminal_offence_data=True,
        cpr_numbers=True, social_problems=True, other_private_matters=True,
        technical_precautions="yes", precaution_encryption=True,
        precaution_pseudonymisation=True, precaution_access_control=True,
        precaution_logging=True, technical_precautions_url="https://tek.example.dk",
        user_supervision="yes", user_supervision_on=D(2026, 1, 5),
        user_supervision_url="https://kontrol.example.dk", risk_assessment="yes",
        risk_assessment_on=D(2026, 2, 1), risk_assessment_result="medium",
        risk_assessment_url="https://risiko.example.dk", risk_assessment_notes="Ok",
        risk_assessment_planned_on=D(2027, 2, 1), dpia="yes", dpia_on=D(2025, 6, 1),
        dpia_url="https://dpia.example.dk", retention_period="yes",
        retention_next_evaluation_on=D(2027, 1, 1), retention_evaluation_months=12,
    )
    usage.system.kle_numbers.set(_kle("00.01.00", "00.01.02"))
    usage.kle_removed.set(_kle("00.01.02"))
    usage.kle_added.set(_kle("00.01.04"))
    usage.sensitive_data_types.set([_option("sensitive_personal_data_type", "health")])
    usage.using_units.set(
        [UnitFactory(organisation=org), UnitFactory(organisation=org)],
        through_defaults={"organisation": org},
    )
    usage.journal_periods.create(start_date=D(2015, 1, 1), end_date=D(2019, 12, 31),
                                 archive_id="AVID.SA.1", approved=True)
    return usage


def _integration(org):
    integration = IntegrationFactory(organisation=org, description="Overfører sager",
                                     direction="two_way", interface_type="rest",
                                     frequency="daily", external_reference="ext-integration")
    integration.interface = InterfaceFactory(exposed_by=integration.target.system)
    integration.save()
    return integration


def _supplier(org):
    return SupplierFactory(name="Lokal leverandør ApS", cvr="12345678", country="SE",
                           website="https://supplier.example.dk",
                           external_reference="ext-supplier", owner_organisation=org,
                           is_local=True)


def _option(kind, code):
    from kitos.models import Option

    return Option.objects.get(kind=kind, code=code)


def _contract(org):
    contract = ContractFactory(
        organisation=org, contract_number="K-2024-17", contract_type="operation",
        responsible_unit=UnitFactory(organisation=org),
        parent=ContractFactory(organisation=org, contract_type="main"),
        procurement_form="ski", criticality="high", notes="Noter",
        external_reference="ext-contract", concluded_on=D(2023, 12, 1),
        start_date=D(2024, 1, 1), expiry_date=D(2027, 12, 31),
        irrevocable_until=D(2025, 12, 31), notice_months=3, notice_to_end_of="quarter",
        extension_months=12, extensions_total=2, extensions_used=1, renewal_months=None,
        lead_months=6, acquisition_cost=Decimal("250000.00"),
        yearly_cost=Decimal("100000.00"), currency="EUR",
        contract_template=_option("contract_template", "k01"),
        customer_signed_by="Kommunaldirektør", customer_signed_on=D(2023, 12, 1),
        supplier_signed_by="Kundechef", supplier_signed_on=D(2023, 11, 28),
        procurement_strategy=_option("procurement_strategy", "retender"),
        procurement_plan_year=2027, procurement_plan_quarter=2,
        payment_model=_option("payment_model", "subscription"),
        payment_frequency=_option("payment_frequency", "quarterly"),
        price_regulation=_option("price_regulation", "net_price_index"),
    )
    contract.integrations.set([IntegrationFactory(organisation=org)])
    contract.agreement_elements.set([_option("agreement_element", "licence")])
    CoverageFactory(contract=contract, is_main=True)
    CoverageFactory(contract=contract, is_main=False)
    return contract


def _cost_line(org):
    return CostLineFactory(contract=ContractFactory(organisation=org),
                           unit=UnitFactory(organisation=org), year=2026,
                           kind="acquisition", amount=Decimal("1234.50"), note="Licens",
                           accounting_entry="6.45.51", audit_status="green",
                           audited_on=D(2027, 3, 15))


def _deadline_decision(org):
    contract = ContractFactory(organisation=org)
    return DeadlineDecision.objects.create(
        contract=contract, deadline=D(2027, 9, 30), kind="terminate", note="Udbydes",
        decided_at=timezone.now(), organisation=org,
        decided_by=UserFactory(username="beslutter"),
    )


def _data_category(org):
    parent = DataCategoryFactory(organisation=org, kind="sensitive")
    return DataCategoryFactory(organisation=org, kind="sensitive", parent=parent)


def _data_asset(org):
    asset = DataAssetFactory(organisation=org, description="Sager",
                             owning_unit=UnitFactory(organisation=org),
                             classification="confidential", retention="5 år",
                             external_reference="ext-asset")
    asset.categories.set([DataCategoryFactory(organisation=org)])
    asset.integrations.set([IntegrationFactory(organisation=org)])
    DataAssetUsage.objects.create(asset=asset, usage=UsageFactory(organisation=org),
                                  use="exposes", organisation=org)
    return asset


def _processing_activity(org):
    activity = ProcessingActivityFactory(
        organisation=org, standard_number="P-17", legal_basis_art6="6.1.e",
        legal_basis_art9="9.2.g", legal_basis_text="Serviceloven", data_subjects="Borgere",
        recipients="Styrelsen", third_country_transfer=True, transfer_countries="US",
        transfer_basis="scc", retention="10 år", security_measures="Kryptering",
        responsible_unit=UnitFactory(organisation=org), dpia_needed="yes", dpia_done=True,
        dpia_date=D(2025, 3, 1), risk_level="high", external_reference="ext-activity",
    )
    activity.data_categories.set([DataCategoryFactory(organisation=org)])
    activity.usages.set([UsageFactory(organisation=org)])
    activity.data_assets.set([DataAssetFactory(organisation=org)])
    activity.kle_numbers.set(_kle("00.01.00"))
    return activity


def _agreement(org):
    agreement = AgreementFactory(
        organisation=org, contract=ContractFactory(organisation=org),
        concluded_on=D(2024, 1, 1), ended_on=D(2030, 1, 1), third_country_transfer=True,
        transfer_basis="scc", oversight_method="isae3402_2", oversight_interval="12",
        document_url="https://dpa.example.dk", notes="Noter",
        external_reference="ext-agreement",
    )
    agreement.usages.set([UsageFactory(organisation=org)])
    return agreement


def _sub_processor(org):
    return SubProcessorFactory(agreement=AgreementFactory(organisation=org),
                               service="Hosting", country="DE", transfer_basis="adequacy")


def _oversight_record(org):
    return OversightRecordFactory(agreement=AgreementFactory(organisation=org),
                                  result="minor", report_url="https://report.example.dk",
                                  notes="Bemærkninger")


def _goal(org):
    from tests.governance.cases import GoalFactory

    return GoalFactory(organisation=org, description="Beskrivelse", start_year=2024,
                       end_year=2028, owner=PersonFactory(organisation=org),
                       unit=UnitFactory(organisation=org),
                       parent=GoalFactory(organisation=org))


def _project(org):
    from governance.models import ProjectContract, ProjectSystem
    from tests.governance.cases import GoalFactory, ProjectFactory

    project = ProjectFactory(
        organisation=org, purpose="Formål", phase="in_progress",
        responsible_unit=UnitFactory(organisation=org), owner=PersonFactory(organisation=org),
        manager=PersonFactory(organisation=org), investment=Decimal("1000000.00"),
        yearly_operating_cost=Decimal("50000.00"), financing="Anlægsbudget",
        start_date=D(2024, 1, 1), end_date=D(2026, 12, 31),
    )
    project.units.set([UnitFactory(organisation=org)])
    project.goals.set([GoalFactory(organisation=org)])
    ProjectSystem.objects.create(project=project, usage=UsageFactory(organisation=org),
                                 effect="introduces")
    ProjectContract.objects.create(project=project, contract=ContractFactory(organisation=org),
                                   effect="ends")
    return project


def _status_report(org):
    from tests.governance.cases import ProjectFactory, StatusReportFactory

    return StatusReportFactory(project=ProjectFactory(organisation=org), text="Status",
                               reported_by=PersonFactory(organisation=org))


def _benefit(org):
    from tests.governance.cases import BenefitFactory, GoalFactory, ProjectFactory

    benefit = BenefitFactory(
        project=ProjectFactory(organisation=org), measure="Porto pr. år",
        unit_of_measure="kr.", baseline=Decimal("100000.00"), target=Decimal("500000.00"),
        owner=PersonFactory(organisation=org), due_date=D(2026, 12, 31), notes="Noter",
    )
    benefit.goals.set([GoalFactory(organisation=org)])
    return benefit


def _benefit_measurement(org):
    from tests.governance.cases import BenefitFactory, MeasurementFactory, ProjectFactory

    return MeasurementFactory(
        benefit=BenefitFactory(project=ProjectFactory(organisation=org)), note="Note",
        measured_by=PersonFactory(organisation=org),
    )


def _benefit_due_date(org):
    from governance.models import BenefitDueDate
    from tests.governance.cases import BenefitFactory, ProjectFactory

    benefit = BenefitFactory(project=ProjectFactory(organisation=org))
    return BenefitDueDate.objects.create(
        organisation=org, benefit=benefit, date=D(2027, 3, 1),
        expected_value=Decimal("40000.00"), note="Note",
    )


def _decision(org):
    from governance.models import Decision, Meeting, SteeringGroup, SteeringGroupMember
    from tests.governance.cases import ProjectFactory

    group = SteeringGroup.objects.create(organisation=org, name="Den Digitale Styregruppe",
                                         mandate="Bindende", unit=UnitFactory(organisation=org))
    SteeringGroupMember.objects.create(group=group, person=PersonFactory(organisation=org),
                                       role="chair")
    meeting = Meeting.objects.create(organisation=org, group=group, date=D(2025, 3, 1),
                                     place="Rådhuset", notes="Noter")
    decision = Decision.objects.create(
        organisation=org, group=group, meeting=meeting, title="Go til analyse",
        project=ProjectFactory(organisation=org), outcome="approved", rationale="Fordi",
        decided_on=D(2025, 3, 1), follow_up_date=D(2025, 9, 1),
    )
    decision.binding_units.set([UnitFactory(organisation=org)])
    return decision


def _steering_group(org):
    return _decision(org).group


def _meeting(org):
    return _decision(org).meeting


def _request(org):
    from governance.models import NewSystemRequest, Principle
    from tests.governance.cases import GoalFactory, ProjectFactory

    request = NewSystemRequest.objects.create(
        organisation=org, title="Bookingsystem", need="Booking af lokaler",
        business_type="esdh", unit=UnitFactory(organisation=org),
        requested_by=PersonFactory(organisation=org), expected_investment=Decimal("100000"),
        expected_yearly_cost=Decimal("20000"), needed_by=D(2026, 1, 1),
        status="in_review", submitted_on=D(2025, 3, 1),
        project=ProjectFactory(organisation=org),
    )
    request.kle_numbers.set([KleNumber.objects.get_or_create(
        number="00", defaults={"title": "Kommunens styrelse"})[0]])
    request.goals.set([GoalFactory(organisation=org)])
    request.principles.set([Principle.objects.create(
        organisation=org, code="A1", title="Genbrug før køb", area="architecture",
        text="Genbrug", rationale="Økonomi", implications="Tjek kataloget",
        valid_from=D(2025, 1, 1), owner=PersonFactory(organisation=org))])
    return request


def _request_sign_off(org):
    from governance.models import RequestSignOff

    request = _request(org)
    RequestSignOff.objects.create(organisation=org, request=request, role="architect")
    return RequestSignOff.objects.create(
        organisation=org, request=request, role="dpo", verdict="approved", comment="OK",
        signed_on=timezone.localdate(), person=PersonFactory(organisation=org),
    )


def _principle(org):
    """Version 2 of a principle (its `previous` is version 1)."""
    from governance.models import Principle

    owner = PersonFactory(organisation=org)
    first = Principle.objects.create(
        organisation=org, code="D1", title="Data registreres én gang", area="data",
        text="Én gang", rationale="Kvalitet", implications="Genbrug registre",
        valid_from=D(2024, 1, 1), active=False, owner=owner,
    )
    return Principle.objects.create(
        organisation=org, code="D1", title="Data registreres én gang", area="data",
        text="Én gang, ét sted", rationale="Kvalitet", implications="Brug grunddata",
        valid_from=D(2025, 1, 1), version=2, previous=first, owner=owner,
    )


def _review(org):
    from governance.models import ArchitectureReview
    from tests.governance.cases import ProjectFactory

    return ArchitectureReview.objects.create(
        organisation=org, principle=_principle(org),
        project=ProjectFactory(organisation=org), verdict="deviation_accepted",
        reason="Midlertidig løsning", reviewed_on=D(2025, 5, 1),
        reviewer=PersonFactory(organisation=org),
    )


def _competency_target(org):
    from roles.models import CompetencyTarget

    return CompetencyTarget.objects.create(
        organisation=org, discipline=_discipline(org), level="skill",
        unit=UnitFactory(organisation=org), tier="forvaltning", note="Alle sagsbehandlere",
    )


def _training_plan_item(org):
    from roles.models import TrainingPlanItem

    return TrainingPlanItem.objects.create(
        organisation=org, person=PersonFactory(organisation=org), discipline=_discipline(org),
        target_level="skill", due_date=D(2027, 6, 1), status="planned", note="Kursus",
    )


def _role_guideline(org):
    from roles.models import RoleGuideline

    return RoleGuideline.objects.create(
        organisation=org, role_type=_role_type(org), guidelines="Retningslinjer",
        goals="Mål", valid_from=D(2026, 1, 1),
    )


def _procurement_sharing(org):
    from landscape.models import ProcurementSharing

    return ProcurementSharing.objects.create(organisation=org, shares=True,
                                             contact_email="udbud@example.dk")


def _attestation_campaign(org):
    from landscape.models import AttestationCampaign

    return AttestationCampaign.objects.create(
        organisation=org, title="Attestering 2026", year=2026, opens_on=D(2026, 1, 5),
        due_on=D(2026, 2, 1), interval_months=12, status="open",
        created_by=UserFactory(username="kampagne-ejer"),
    )


def _advice(org):
    from alerts.advice import advice_create
    from alerts.models import Advice
    from kitos.tenancy import SYSTEM
    from tests.factories import standard_role

    advice = advice_create(
        actor=SYSTEM, target=ContractFactory(organisation=org), name="Budget",
        subject="Husk budgetopfølgning", body="Se kontrakten", repetition="quarterly",
        alarm_at=timezone.now() + datetime.timedelta(days=30), stop_on=D(2035, 1, 1),
        to_roles=[standard_role("kontraktejer")], cc_roles=[standard_role("contract-manager")],
        to_emails=["a@example.dk"], cc_emails=["b@example.dk"],
    )
    Advice.objects.filter(pk=advice.pk).update(
        created_by=UserFactory(username="advis-ejer"))
    return advice


def _reference(org):
    from kitos.tenancy import SYSTEM
    from references.models import CheckStatus, ExternalReference
    from references.services import reference_create

    reference = reference_create(
        actor=SYSTEM, target=ContractFactory(organisation=org), title="Kontrakten",
        url="https://esdh.example.dk/sag/17", external_id="17/2025",
    )
    # As the weekly check left it (a dead link), so that a PATCH that reset the check
    # would show.
    now = timezone.now()
    ExternalReference.objects.filter(pk=reference.pk).update(
        check_status=CheckStatus.BROKEN, checked_at=now, http_status=404,
        check_detail="Ikke fundet", dead_since=now,
        created_by=UserFactory(username="reference-ejer"),
    )
    return reference


BUILDERS = {
    "advice": _advice,
    "references": _reference,
    "organisations": _organisation,
    "units": _unit,
    "persons": _person,
    "role-types": _role_type,
    "role-assignments": _role_assignment,
    "disciplines": _discipline,
    "competencies": _competency,
    "systems": _system,
    "usages": _usage,
    "integrations": _integration,
    "interfaces": _interface,
    "suppliers": _supplier,
    "contracts": _contract,
    "cost-lines": _cost_line,
    "deadline-decisions": _deadline_decision,
    "data-categories": _data_category,
    "data-assets": _data_asset,
    "processing-activities": _processing_activity,
    "data-processing-agreements": _agreement,
    "sub-processors": _sub_processor,
    "oversight-records": _oversight_record,
    "goals": _goal,
    "projects": _project,
    "project-status-reports": _status_report,
    "benefits": _benefit,
    "benefit-measurements": _benefit_measurement,
    "benefit-due-dates": _benefit_due_date,
    "steering-groups": _steering_group,
    "meetings": _meeting,
    "decisions": _decision,
    "requests": _request,
    "request-sign-offs": _request_sign_off,
    "principles": _principle,
    "reviews": _review,
    "competency-targets": _competency_target,
    "training-plan": _training_plan_item,
    "role-guidelines": _role_guideline,
    "procurement-sharing": _procurement_sharing,
    "attestation-campaigns": _attestation_campaign,
}

# (resource, field, new value): a free-text field everywhere, and for most resources a
# field of another kind (choice, flag, number, reference) too.
CASES = [
    ("organisations", "cvr", "29189846"),
    ("organisations", "name", "Omdøbt kommune"),
    ("units", "external_reference", "ext-unit-2"),
    ("units", "local_code", "LC-8"),
    ("persons", "external_reference", "ext-person-2"),
    ("persons", "left_on", "2031-06-30"),
    ("role-types", "description", "Ny beskrivelse"),
    ("role-types", "sort_order", 8),
    ("role-assignments", "note", "Ny note"),
    ("role-assignments", "end_date", "2031-01-01"),
    ("disciplines", "description", "Ny beskrivelse"),
    ("competencies", "note", "Ny note"),
    ("competencies", "level", "skill"),
    ("systems", "external_reference", "ext-system-2"),
    ("systems", "business_type", "payroll_hr"),
    ("usages", "notes", "Nye noter"),
    ("usages", "hosting", "on_premise"),
    ("usages", "journal_periods", [{"archive_id": "AVID.SA.1", "start_date": "2015-01-01",
                                    "end_date": "2020-12-31", "approved": True}]),
    ("integrations", "external_reference", "ext-integration-2"),
    ("integrations", "frequency", "weekly"),
    ("interfaces", "version", "3.0"),
    ("interfaces", "interface_type", "soap"),
    ("interfaces", "data_rows", [{"description": "Sagsnummer", "data_type": "number"}]),
    # The two reports: the supplier lost its CVR and became shared.
    ("suppliers", "external_reference", "ext-supplier-2"),
    ("suppliers", "website", "https://new.example.dk"),
    # ... and the contract lost its number.
    ("contracts", "notes", "Genforhandles i 2027"),
    ("contracts", "criticality", "low"),
    ("cost-lines", "note", "Ny note"),
    ("cost-lines", "amount", "999.00"),
    ("deadline-decisions", "note", "Ny note"),
    ("deadline-decisions", "kind", "renew"),
    ("data-categories", "name", "Nyt navn"),
    ("data-assets", "external_reference", "ext-asset-2"),
    ("data-assets", "retention", "7 år"),
    ("processing-activities", "external_reference", "ext-activity-2"),
    ("processing-activities", "risk_level", "low"),
    ("data-processing-agreements", "notes", "Nye noter"),
    ("data-processing-agreements", "document_url", "https://dpa2.example.dk"),
    ("sub-processors", "service", "Backup"),
    ("sub-processors", "transfer_basis", "scc"),
    ("oversight-records", "notes", "Nye bemærkninger"),
    ("oversight-records", "result", "no_remarks"),
    ("goals", "description", "Ny beskrivelse"),
    ("goals", "end_year", 2030),
    ("projects", "purpose", "Nyt formål"),
    ("projects", "phase", "implemented"),
    ("projects", "investment", "2000000.00"),
    ("project-status-reports", "text", "Ny status"),
    ("project-status-reports", "cost", "red"),
    ("benefits", "notes", "Nye noter"),
    ("benefits", "kind", "quality"),
    ("benefits", "target", "750000.00"),
    ("benefit-measurements", "note", "Ny note"),
    ("benefit-measurements", "value", "1234.50"),
    ("benefit-due-dates", "note", "Ny note"),
    ("benefit-due-dates", "date", "2027-04-01"),
    ("benefit-due-dates", "expected_value", "1234.50"),
    ("steering-groups", "mandate", "Nyt mandat"),
    ("steering-groups", "active", False),
    ("meetings", "notes", "Nye noter"),
    ("meetings", "date", "2025-04-01"),
    ("decisions", "rationale", "Ny begrundelse"),
    ("decisions", "outcome", "postponed"),
    ("decisions", "follow_up_done", True),
    ("requests", "need", "Nyt behov"),
    ("requests", "business_type", "economy"),
    ("requests", "expected_investment", "150000.00"),
    ("request-sign-offs", "comment", "Ny bemærkning"),
    ("request-sign-offs", "verdict", "objection"),
    ("principles", "rationale", "Ny begrundelse"),
    ("principles", "area", "architecture"),
    ("reviews", "reason", "Ny begrundelse"),
    ("reviews", "reviewed_on", "2025-06-01"),
    ("competency-targets", "note", "Ny bemærkning"),
    ("competency-targets", "level", "teacher"),
    ("training-plan", "note", "Ny bemærkning"),
    ("training-plan", "due_date", "2027-09-01"),
    ("role-guidelines", "goals", "Nye mål"),
    ("role-guidelines", "valid_from", "2026-03-01"),
    ("procurement-sharing", "contact_email", "faelles-udbud@example.dk"),
    ("procurement-sharing", "shares", False),
    ("attestation-campaigns", "title", "Attestering 2026 (forlænget)"),
    ("attestation-campaigns", "due_on", "2026-03-01"),
    ("attestation-campaigns", "interval_months", 24),
    ("advice", "body", "Ny tekst"),
    ("advice", "stop_on", "2036-06-30"),
    # (A new `url` resets the link's check by design: not a one-field change.)
    ("references", "title", "Ny titel"),
    ("references", "external_id", "18/2025"),
]

# Model fields a PATCH may change besides the one sent: bookkeeping only, read-only in
# the API (a decision changed is decided anew: by whom and when).
BOOKKEEPING = {"updated_at"}
RECORDED_BY = {"deadline-decisions": {"decided_at", "decided_by_id"},
               # A sign-off is signed anew: by the API user's person, today.
               "request-sign-offs": {"signed_on", "person_id"}}


def _writable_resources():
    return {
        prefix for prefix, viewset, _basename in ROUTES
        if {"patch", "put"} & set(getattr(viewset, "http_method_names", ()))
        and "partial_update" in dir(viewset)
    }


def test_every_writable_resource_is_covered():
    assert _writable_resources() == set(BUILDERS)
    assert {resource for resource, _field, _value in CASES} == set(BUILDERS)


WRITTEN_LINKS = {("contracts.Contract", "coverage"), ("gdpr.DataAsset", "usage_links"),
                 ("portfolio.SystemUsage", "journal_periods"),
                 ("portfolio.Interface", "data_rows")}
# Lists written item by item: the audit entries are the items'.
AUDITED_ON_ITEMS = {("usages", "journal_periods")}
# (The project's system and contract links are many-to-many fields with their own
# through models: _state reads them with their effect.)


def _state(obj) -> dict:
    """Every concrete field and many-to-many of the stored row (link tables with their
    extra columns)."""
    row = type(obj)._default_manager.get(pk=obj.pk)
    state = {field.attname: getattr(row, field.attname)
             for field in row._meta.concrete_fields}
    for field in row._meta.many_to_many:
        through = getattr(row, field.name).through
        source = next(f.name for f in through._meta.concrete_fields
                      if f.is_relation and f.related_model is type(row))
        state[field.name] = sorted(
            tuple(sorted((f.attname, str(getattr(link, f.attname)))
                         for f in through._meta.concrete_fields if f.attname != "id"))
            for link in through.objects.filter(**{source: row})
        )
    # Reverse links the API writes as lists (a contract's coverage, an asset's usages).
    for relation in row._meta.related_objects:
        if (row._meta.label, relation.name) in WRITTEN_LINKS:
            state[relation.name] = sorted(
                tuple(sorted((f.attname, str(getattr(link, f.attname)))
                             for f in relation.related_model._meta.concrete_fields
                             if f.attname not in ("id", "updated_at")))
                for link in getattr(row, relation.get_accessor_name()).all()
            )
    return state


def _empty_fields(resource, state) -> list[str]:
    """Fields the builder left empty (none but those that must be: a PATCH that blanked
    a field would not show on an empty one)."""
    allowed_empty = {
        # An end date with extensions left has no automatic renewal, and is not ended.
        "contracts": {"renewal_months", "terminated_on"},
        # Computed from the oversight records (none here).
        "data-processing-agreements": {"next_oversight_date"},
        # A person without a login.
        "persons": {"user_id"},
        # A decision is about a project or a contract, never both.
        "decisions": {"contract_id", "request_id", "principle_id"},
        # A review is of exactly one subject; a target is of a unit or a role type.
        "reviews": {"request_id", "usage_id"},
        "competency-targets": {"role_type_id"},
        # An open unit (closing is its own use case, read-only in the API).
        "units": {"closed_on"},
        # Never sent yet.
        "advice": {"last_sent_at"},
    }.get(resource, set())
    empty = sorted(
        name for name, value in state.items()
        if value in (None, "", []) and name not in allowed_empty
        and name not in ("organisation_id",) and not name.startswith("_")
    )
    return empty


@pytest.mark.parametrize(("resource", "field", "value"), CASES,
                         ids=[f"{r}.{f}" for r, f, _v in CASES])
def test_patch_changes_only_the_field_sent(resource, field, value, org, admin_user, superuser):
    obj = BUILDERS[resource](org)
    before = _state(obj)
    assert _empty_fields(resource, before) == []
    user = superuser if resource == "organisations" else admin_user
    client = APIClient()
    client.force_authenticate(user)
    url = f"/api/v1/{resource}/{obj.uuid}/"
    got = client.get(url)
    assert got.status_code == 200, got.content
    audit_before = set(AuditEntry.objects.values_list("pk", flat=True))

    response = client.patch(url, {field: value}, format="json", HTTP_IF_MATCH=got["ETag"])
    assert response.status_code == 200, response.content

    after = _state(obj)
    changed = {name for name in before.keys() | after.keys()
               if before.get(name) != after.get(name)}
    changed -= BOOKKEEPING | RECORDED_BY.get(resource, set())
    model_field = type(obj)._meta.get_field(field)
    assert changed == {getattr(model_field, "attname", field)}, (
        {name: (before.get(name), after.get(name)) for name in changed}
    )

    entries = list(AuditEntry.objects.exclude(pk__in=audit_before))
    if (resource, field) in AUDITED_ON_ITEMS:
        # Each period is an object of its own, audited as such.
        item = ContentType.objects.get_for_model(model_field.related_model).id
        assert {(e.action, e.content_type_id) for e in entries} == {("update", item)}
        return
    assert [(e.action, e.content_type_id, e.object_id) for e in entries] == [
        ("update", ContentType.objects.get_for_model(obj).id, obj.pk)
    ]
    recorded_by = {name.removesuffix("_id") for name in RECORDED_BY.get(resource, ())}
    assert set(entries[0].changes) - recorded_by == {field}, entries[0].changes
