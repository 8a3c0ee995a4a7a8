"""Demo data for two municipalities, Demo Kommune and Nabo Kommune (``seed_demo``).

Everything is created through the services (so the demo has an audit trail like real
data) and looked up by natural key first, so running the command again creates nothing.
Dates are relative to the day of the first run: some contracts expire soon, some renew
tacitly, some are open-ended with notice to the end of a quarter.
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from alerts.services import ensure_default_rules, scan
from contracts.models import Contract, ContractCoverage, CostLine
from contracts.services import (
    contract_create,
    contract_set_coverage,
    cost_line_create,
    supplier_create,
)
from demo import data
from demo.advice_data import seed_advice
from demo.competence_data import seed_competences
from demo.governance_data import seed_governance
from demo.landscape_data import seed_landscape
from demo.reference_data import seed_references
from gdpr.models import (
    DataAsset,
    DataAssetUsage,
    DataCategory,
    DataProcessingAgreement,
    ProcessingActivity,
    SubProcessor,
)
from gdpr.reference import ensure_data_categories
from gdpr.services import data_asset_link_usage, oversight_record_create
from kitos import options
from kitos.audit import AuditSource, audit_context
from kitos.dates import add_months
from kitos.models import Membership, Option, Organisation
from kitos.services import create_object
from kitos.tenancy import SYSTEM
from landscape.suppliers_services import procurement_sharing_set
from portfolio.kle import load_kle, read_kl_list
from portfolio.models import Integration, Interface, ItSystem, KleNumber, Supplier, SystemUsage
from portfolio.services import (
    integration_create,
    interface_create,
    journal_period_create,
    rights_holder_access_grant,
    system_create,
    usage_create,
    usage_update,
)
from roles.models import Competency, Discipline, OrganisationUnit, Person, RoleAssignment, RoleType
from roles.reference import ensure_disciplines_and_role_types
from roles.services import (
    competency_set,
    membership_set,
    person_create,
    role_assign,
    unit_create,
)

DEMO_PASSWORD = "kitos-demo-2026"


@dataclass
class OrgPlan:
    slug: str
    name: str
    cvr: str
    domain: str
    persons: int
    shared_systems: int
    local_systems: int
    contracts_min: int
    agreements: int
    afdelinger_per_forvaltning: int


PLANS = (
    OrgPlan("demo", "Demo Kommune", "29189900", "demo.dk", 120, 172, 35, 160, 24, 6),
    OrgPlan("nabo", "Nabo Kommune", "29189919", "nabo.dk", 40, 70, 4, 50, 8, 3),
)

# Demo logins: username -> (organisation slug, membership role, person title, staff)
LOGINS = {
    "chef": ("demo", "editor", "Forvaltningsdirektør", False),
    "systemejer": ("demo", "editor", "Fagsystemansvarlig", False),
    "laeser": ("demo", "reader", "Digitaliseringskonsulent", False),
    "admin": ("demo", "admin", "It-chef", True),
    "nabo-admin": ("nabo", "admin", "It-chef", True),
}


@dataclass
class Seeder:
    today: datetime.date
    log: list[str] = field(default_factory=list)

    def run(self) -> list[str]:
        with audit_context(source=AuditSource.SYSTEM), transaction.atomic():
            ensure_disciplines_and_role_types(apps)
            ensure_data_categories(apps)
            load_kle()
            self.suppliers = self.seed_suppliers()
            self.systems = self.seed_systems()
            self.interfaces = self.seed_interfaces()
            for plan in PLANS:
                OrgSeeder(self, plan).run()
            ensure_default_rules()
            # A lived-in demo: the notifications and alert logs show what the daily scan
            # found (recorded only; the e-mails go out with the next beat's digests).
            recorded = scan(today=self.today).recorded
            self.log.append(f"Varsler registreret: {recorded}")
        return self.log

    def seed_suppliers(self) -> dict[str, Supplier]:
        existing = {s.name: s for s in Supplier.objects.filter(owner_organisation=None)}
        for name, cvr, country in data.SUPPLIERS:
            if name not in existing:
                existing[name] = supplier_create(actor=SYSTEM, name=name, cvr=cvr, country=country)
        return existing

    def seed_systems(self) -> dict[str, ItSystem]:
        existing = {s.name: s for s in ItSystem.objects.filter(is_local=False)}
        for name, supplier, business_type, description, licence in data.SYSTEMS:
            if name not in existing:
                existing[name] = system_create(
                    actor=SYSTEM,
                    name=name,
                    rights_holder=self.suppliers[supplier],
                    business_type=business_type,
                    description=description,
                    licence_model=licence,
                    **dict(zip(("archive_duty_recommendation",
                                "archive_duty_recommendation_comment"),
                               data.ARCHIVE_DUTY_RECOMMENDATIONS.get(name, ()), strict=False)),
                )
        return existing

    def seed_interfaces(self) -> list[Interface]:
        """The shared interfaces the catalog systems expose, with their data rows."""
        existing = {(i.name, i.interface_id): i for i in Interface.objects.filter(
            is_local=False).select_related("exposed_by", "interface_type")}
        types = {(o.kind, o.code): o for o in Option.objects.filter(
            kind__in=("interface_type", "interface_data_type"))}
        for system, name, interface_id, version, type_code, description, rows in (
                data.INTERFACES):
            if (name, interface_id) in existing:
                continue
            existing[(name, interface_id)] = interface_create(
                actor=SYSTEM, name=name, interface_id=interface_id, version=version,
                interface_type=types[("interface_type", type_code)],
                exposed_by=self.systems[system], description=description,
                data_rows=[(text, types[("interface_data_type", code)]) for text, code in rows],
            )
        return list(existing.values())


# Which forvaltning normally owns a system of a business type.
BUSINESS_TYPE_OWNER = {
    "esdh": "BD", "economy": "OP", "payroll_hr": "OP", "citizen_service": "BD",
    "social": "SS", "children": "BU", "school": "BU", "employment": "BE",
    "technical": "TM", "gis": "TM", "infrastructure": "BD", "collaboration": "BD",
    "self_service": "BD", "identity": "BD", "bi": "OP", "culture": "KF", "other": "BD",
}


def _ascii(text: str) -> str:
    text = text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in text.lower() if c.isalnum() or c == ".")


def contract_terms(today: datetime.date, index: int, rng: random.Random) -> dict:
    """Varied, realistic terms of the `index`th contract; dates relative to `today`
    (six kinds in turn: expiring with options, tacit renewal, open-ended to a quarter or
    a month, long fixed term, ended). Shared by seed_demo and generate_scale."""
    kind = index % 6
    start = today - datetime.timedelta(days=rng.randint(200, 365 * 8))
    terms: dict = {
        "concluded_on": start - datetime.timedelta(days=rng.randint(10, 90)),
        "start_date": start,
        "notice_months": rng.choice([1, 3, 3, 6, 6, 12]),
        "lead_months": rng.choice([0, 6, 9, 12, 18]),
    }
    if kind == 0:  # fixed term expiring soon, options left
        terms.update(
            expiry_date=today + datetime.timedelta(days=rng.randint(40, 400)),
            extension_months=12,
            extensions_total=2,
            extensions_used=rng.randint(0, 1),
        )
    elif kind == 1:  # tacit yearly renewal
        expiry = datetime.date(today.year - rng.randint(0, 3), 12, 31)
        terms.update(expiry_date=max(expiry, start), renewal_months=12, notice_months=3)
    elif kind == 2:  # open-ended, notice to the end of a quarter
        terms.update(notice_to_end_of="quarter", notice_months=rng.choice([3, 6]))
        terms["irrevocable_until"] = start + datetime.timedelta(days=365 * 3)
    elif kind == 3:  # open-ended, running month
        terms.update(notice_to_end_of="month", notice_months=rng.choice([1, 3]))
    elif kind == 4:  # long fixed term, no options
        terms.update(expiry_date=add_months(today, rng.randint(13, 60)))
    else:  # some ended: expired or terminated; the rest fixed with options
        variant = rng.random()
        if variant < 0.3:
            terms.update(expiry_date=today - datetime.timedelta(days=rng.randint(10, 400)))
        elif variant < 0.5:
            terms.update(
                notice_to_end_of="month",
                terminated_on=add_months(today, rng.randint(-6, 5)).replace(day=1)
                - datetime.timedelta(days=1),
            )
        else:
            terms.update(
                expiry_date=add_months(today, rng.randint(3, 30)),
                extension_months=24,
                extensions_total=1,
            )
    if terms.get("expiry_date") and terms["expiry_date"] < start:
        terms["start_date"] = terms["expiry_date"] - datetime.timedelta(days=365)
        terms["concluded_on"] = terms["start_date"]
        terms.pop("irrevocable_until", None)
    if terms.get("terminated_on") and terms["terminated_on"] < terms["start_date"]:
        terms["start_date"] = terms["terminated_on"] - datetime.timedelta(days=365)
        terms["concluded_on"] = terms["start_date"]
    return terms


class OrgSeeder:
    def __init__(self, parent: Seeder, plan: OrgPlan):
        self.parent = parent
        self.plan = plan
        self.today = parent.today
        self.rng = random.Random(f"kitos-demo-{plan.slug}")

    def rng_for(self, *key) -> random.Random:
        """A random stream of its own per object: whether earlier objects already existed
        (a re-run) must not change the choices made for later ones."""
        return random.Random("/".join(["kitos-demo", self.plan.slug, *map(str, key)]))

    def run(self) -> None:
        self.organisation = self.seed_organisation()
        self.units, self.forvaltninger = self.seed_units()
        self.persons = self.seed_persons()
        self.seed_competencies()
        self.usages = self.seed_usages()
        self.integrations = self.seed_integrations()
        self.seed_option_adaptations()
        self.contracts = self.seed_contracts()
        self.assets = self.seed_data_assets()
        self.activities = self.seed_processing_activities()
        self.agreements = self.seed_agreements()
        seed_governance(self)
        self.seed_roles()
        seed_competences(self)
        # Both demo municipalities share their contracts' end dates, so the landscape's
        # joint procurement page has neighbours to show (an upsert: safe to re-run).
        procurement_sharing_set(actor=SYSTEM, organisation=self.organisation, shares=True,
                                contact_email=f"udbud@{self.plan.domain}")
        self.seed_logins()
        if self.plan.slug == "demo":
            self.seed_rights_holder_login()
        # After the logins: owners with a login answer their own attestations, and an
        # admin of the organisation answers some for the others.
        admin = (Membership.objects.filter(organisation=self.organisation, role="admin")
                 .select_related("user").order_by("user__username").first())
        seed_landscape(self, answering_editor=admin.user if admin else None)
        seed_advice(self)  # advis
        seed_references(self)  # eksterne referencer
        self.parent.log.append(self.summary())

    # -- organisation and people -------------------------------------------------------
    def seed_organisation(self) -> Organisation:
        organisation = Organisation.objects.filter(slug=self.plan.slug).first()
        if organisation is None:
            organisation = create_object(
                actor=SYSTEM,
                instance=Organisation(
                    name=self.plan.name, slug=self.plan.slug, cvr=self.plan.cvr
                ),
            )
        return organisation

    def seed_units(self):
        existing = {
            (u.parent_id, u.name): u
            for u in OrganisationUnit.objects.filter(organisation=self.organisation)
        }
        units, forvaltninger = {}, {}

        def get_unit(name, code, parent):
            unit = existing.get((parent.pk if parent else None, name))
            if unit is None:
                unit = unit_create(
                    actor=SYSTEM,
                    organisation=self.organisation,
                    name=name,
                    parent=parent,
                    local_code=code,
                )
            units[code] = unit
            return unit

        root = get_unit(self.plan.name, "ROOT", None)
        for name, code, afdelinger in data.UNITS:
            forvaltning = get_unit(name, code, root)
            forvaltninger[code] = forvaltning
            for afd_name, afd_code in afdelinger[: self.plan.afdelinger_per_forvaltning]:
                get_unit(afd_name, afd_code, forvaltning)
        return units, forvaltninger

    def afdelinger(self, forvaltning_code: str) -> list[OrganisationUnit]:
        return [
            u for code, u in self.units.items()
            if code.startswith(f"{forvaltning_code}-")
        ] or [self.forvaltninger[forvaltning_code]]

    def forvaltning_code(self, business_type: str) -> str:
        code = BUSINESS_TYPE_OWNER.get(business_type, "BD")
        return code if code in self.forvaltninger else next(iter(self.forvaltninger))

    def seed_persons(self) -> list[Person]:
        existing = {p.email: p for p in Person.objects.filter(organisation=self.organisation)}
        persons = []
        used = set()
        unit_list = [u for code, u in self.units.items() if code != "ROOT"]
        for index in range(self.plan.persons):
            first = self.rng.choice(data.FIRST_NAMES)
            last = self.rng.choice(data.LAST_NAMES)
            local = _ascii(f"{first}.{last}")
            email, n = f"{local}@{self.plan.domain}", 1
            while email in used:
                n += 1
                email = f"{local}{n}@{self.plan.domain}"
            used.add(email)
            title = data.JOB_TITLES[index % len(data.JOB_TITLES)]
            unit = unit_list[index % len(unit_list)]
            rng = self.rng_for("person", email)
            person = existing.get(email) or person_create(
                actor=SYSTEM,
                organisation=self.organisation,
                name=f"{first} {last}",
                email=email,
                title=title,
                unit=unit,
                phone=f"+45 {rng.randint(20, 99)} {rng.randint(10, 99)} "
                f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
            )
            persons.append(person)
        return persons

    def seed_competencies(self) -> None:
        disciplines = list(Discipline.objects.filter(organisation=None))
        existing = set(
            Competency.objects.filter(organisation=self.organisation).values_list(
                "person_id", "discipline_id"
            )
        )
        levels = ["understanding", "skill", "skill", "teacher"]
        for person in self.persons[: int(len(self.persons) * 0.6)]:
            rng = self.rng_for("competency", person.email)
            for discipline in rng.sample(disciplines, rng.randint(1, 3)):
                level = rng.choice(levels)
                if (person.pk, discipline.pk) not in existing:
                    competency_set(
                        actor=SYSTEM, person=person, discipline=discipline, level=level
                    )

    # -- systems ---------------------------------------------------------------------
    def seed_usages(self) -> list[SystemUsage]:
        existing = {
            u.system_id: u for u in SystemUsage.objects.filter(organisation=self.organisation)
        }
        shared = sorted(self.parent.systems.values(), key=lambda s: s.name)
        # The systems that hold the data and carry the processing activities are always
        # there (a jobcentre without KMD Momentum is no municipality); the rest at random.
        core_names = data.core_systems()
        chosen = [s for s in shared if s.name in core_names]
        others = [s for s in shared if s.name not in core_names]
        chosen += self.rng.sample(
            others, max(0, min(self.plan.shared_systems - len(chosen), len(others)))
        )
        local_existing = {
            s.name: s for s in ItSystem.objects.filter(owner_organisation=self.organisation)
        }
        for name, business_type, description in data.LOCAL_SYSTEMS[: self.plan.local_systems]:
            system = local_existing.get(name) or system_create(
                actor=SYSTEM,
                name=name,
                business_type=business_type,
                description=description,
                is_local=True,
                owner_organisation=self.organisation,
            )
            chosen.append(system)
        usages = []
        lifecycles = ["operational"] * 12 + ["phasing_in", "phasing_out", "planned", "retired",
                                            "undecided"]
        for system in chosen:
            usage = existing.get(system.pk)
            if usage is None:
                rng = self.rng_for("usage", system.name)
                owner = self.forvaltning_code(system.business_type or "other")
                afdelinger = self.afdelinger(owner)
                # The systems the register relies on are in operation; the ones known to
                # be replaced are retired.
                if system.name in data.RETIRED_SYSTEMS:
                    lifecycle = "retired"
                elif system.name in core_names:
                    lifecycle = "operational"
                else:
                    lifecycle = rng.choice(lifecycles)
                go_live = self.today - datetime.timedelta(days=rng.randint(90, 365 * 12))
                retirement = None
                if lifecycle == "retired":
                    retirement = self.today - datetime.timedelta(days=rng.randint(10, 700))
                    go_live = min(go_live, retirement - datetime.timedelta(days=365))
                elif lifecycle == "phasing_out":
                    retirement = self.today + datetime.timedelta(days=rng.randint(60, 700))
                elif lifecycle in ("planned", "phasing_in"):
                    go_live = self.today + datetime.timedelta(days=rng.randint(-30, 300))
                usage = usage_create(
                    actor=SYSTEM,
                    organisation=self.organisation,
                    system=system,
                    responsible_unit=rng.choice(afdelinger),
                    using_units=rng.sample(afdelinger, min(len(afdelinger), 2)),
                    lifecycle=lifecycle,
                    go_live_date=go_live,
                    retirement_date=retirement,
                    version=f"{rng.randint(1, 12)}.{rng.randint(0, 9)}",
                    local_id=f"{self.plan.slug.upper()}-{system.pk:04d}",
                    criticality=rng.choice(["low", "medium", "medium", "high", "critical"]),
                    socially_critical="yes" if rng.random() < 0.12 else "no",
                    data_classification=rng.choice(
                        ["public", "internal", "internal", "confidential", "confidential"]
                    ),
                    hosting=rng.choice(["on_premise", "external", "saas", "saas", "hybrid"]),
                    user_count=data.user_band(
                        system.name, system.business_type, is_local=system.is_local
                    ),
                    contains_ai=rng.choice(["no", "no", "no", "yes", "unknown"]),
                    archive_duty=rng.choice(["B", "K", "K", "BD", ""]),
                    time_assessment=rng.choice(
                        ["tolerate", "tolerate", "invest", "migrate", "eliminate", ""]
                    ),
                    **self.usage_record(system, self.rng_for("usage-record", system.name)),
                )
                self.seed_usage_details(usage, self.rng_for("usage-details", system.name))
            usages.append(usage)
        return usages

    def seed_integrations(self) -> list[Integration]:
        by_name = {u.system.name: u for u in self.usages}
        existing = {
            (i.source_id, i.target_id, i.name)
            for i in Integration.objects.filter(organisation=self.organisation)
        }
        created = []
        # Which catalog interface types fit an integration's own (coarser) type.
        fits = {"file": {"file", "csv"}, "database": {"database"},
                "message": {"beskedfordeler"}, "serviceplatformen": {"serviceplatformen"},
                "rest": {"rest", "oio_rest"}, "soap": {"soap"}}
        exposed: dict[int, list[Interface]] = {}
        for interface in self.parent.interfaces:
            exposed.setdefault(interface.exposed_by_id, []).append(interface)

        def interface_for(source_usage, target_usage, interface_type):
            # The receiver's interface first (the sender delivers), else the sender's.
            for usage in (target_usage, source_usage):
                for interface in exposed.get(usage.system_id, []):
                    if interface.interface_type.code in fits.get(interface_type, ()):
                        return interface
            return None

        for source, target, interface_type, description in data.INTEGRATIONS:
            if source not in by_name or target not in by_name:
                continue
            name = f"{source} → {target}"[:200]
            key = (by_name[source].pk, by_name[target].pk, name)
            if key in existing:
                continue
            created.append(
                integration_create(
                    actor=SYSTEM,
                    source=by_name[source],
                    target=by_name[target],
                    name=name,
                    description=description,
                    interface_type=interface_type,
                    interface=interface_for(by_name[source], by_name[target], interface_type),
                    frequency=self.rng_for("integration", name).choice(
                        ["realtime", "daily", "daily", "weekly", "hourly"]
                    ),
                )
            )
        return created

    # Business types whose systems hold citizens' personal data, and those of them that
    # hold sensitive data (health, social matters) too.
    PERSONAL_DATA_TYPES = ("social", "children", "school", "employment", "payroll_hr",
                           "citizen_service", "esdh", "self_service", "identity")
    SENSITIVE_DATA_TYPES = {"social": ("health", "sex_life"), "children": ("health",),
                            "employment": ("health", "trade_union"),
                            "payroll_hr": ("trade_union", "health")}

    def usage_options(self, kind: str) -> dict[str, Option]:
        return {option.code: option for option in self.usage_offered_options[kind]}

    @cached_property
    def usage_offered_options(self) -> dict[str, list[Option]]:
        return {kind: list(options.offered(kind, self.organisation))
                for kind in SystemUsage.option_fields.values()}

    def usage_record(self, system, rng: random.Random) -> dict:
        """The GDPR registration, web accessibility and archiving a usage register holds:
        systems with citizens' data answered in full, many of the rest half done (the
        gaps a DPO would chase). Its own random stream: the usages' other facts stay as
        they were before the record existed."""
        business_type = system.business_type or "other"
        personal = business_type in self.PERSONAL_DATA_TYPES
        sensitive = business_type in self.SENSITIVE_DATA_TYPES
        area = system.get_business_type_display().lower() if system.business_type else ""
        record: dict = {
            "purpose": f"Understøtter kommunens opgaver inden for {area}." if area else "",
            "no_personal_data": not personal and rng.random() < 0.6,
            "ordinary_personal_data": personal,
            "cpr_numbers": personal and rng.random() < 0.85,
            "social_problems": business_type in ("social", "children", "employment"),
            "sensitive_personal_data": sensitive,
            "criminal_offence_data": business_type in ("social", "children")
            and rng.random() < 0.3,
            "web_accessibility": rng.choice(["yes", "yes", "partially", "no", ""]),
        }
        if record["web_accessibility"]:
            record["web_accessibility_checked_on"] = self.today - datetime.timedelta(
                days=rng.randint(30, 900))
        if personal:
            record["technical_precautions"] = rng.choice(["yes", "yes", "yes", "unknown"])
            if record["technical_precautions"] == "yes":
                record.update(precaution_encryption=True, precaution_access_control=True,
                              precaution_logging=rng.random() < 0.8,
                              precaution_pseudonymisation=rng.random() < 0.2)
            record["user_supervision"] = rng.choice(["yes", "yes", "no", ""])
            if record["user_supervision"] == "yes":
                record["user_supervision_on"] = self.today - datetime.timedelta(
                    days=rng.randint(10, 400))
            record["risk_assessment"] = rng.choice(["yes", "yes", "no", "unknown"])
            if record["risk_assessment"] == "yes":
                record.update(
                    risk_assessment_on=self.today - datetime.timedelta(days=rng.randint(30, 800)),
                    risk_assessment_result=rng.choice(["low", "low", "medium", "high"]
                                                      if sensitive else ["low", "medium"]),
                )
            else:
                record["risk_assessment_planned_on"] = self.today + datetime.timedelta(
                    days=rng.randint(30, 300))
            record["dpia"] = (rng.choice(["yes", "yes", "no"]) if sensitive
                              else rng.choice(["no", "no", "unknown"]))
            if record["dpia"] == "yes":
                record["dpia_on"] = self.today - datetime.timedelta(days=rng.randint(60, 1200))
            record["retention_period"] = rng.choice(["yes", "yes", "unknown"])
            if record["retention_period"] == "yes":
                record.update(
                    retention_next_evaluation_on=self.today + datetime.timedelta(
                        days=rng.randint(20, 360)),
                    retention_evaluation_months=rng.choice([6, 12, 12, 24]),
                )
        archive_types = self.usage_options("archive_type")
        locations = self.usage_options("archive_location")
        if business_type in ("esdh", "social", "children", "school", "technical", "economy"):
            record.update(
                archive_type=archive_types.get("archival_version"),
                archive_location=locations.get(rng.choice(["rigsarkivet", "municipal_archive",
                                                           "city_archive"])),
                archive_test_location=self.usage_options("archive_test_location").get(
                    "rigsarkivet"),
                archive_active=rng.random() < 0.7,
                archive_frequency_years=rng.choice([5, 5, 10]),
                document_bearing=business_type in ("esdh", "social", "children"),
            )
        return record

    def seed_usage_details(self, usage: SystemUsage, rng: random.Random) -> None:
        """A new usage's sensitive data types, journal periods and local KLE deviations."""
        kinds = self.SENSITIVE_DATA_TYPES.get(usage.system.business_type or "")
        types = self.usage_options("sensitive_personal_data_type")
        links = {}
        if kinds:
            links["sensitive_data_types"] = [types[code] for code in kinds if code in types]
        kle = list(usage.system.kle_numbers.order_by("number"))
        # Now and then a municipality does not use a system for one of its catalog tasks.
        if len(kle) > 1 and rng.random() < 0.2:
            links["kle_removed"] = [rng.choice(kle)]
        if links:
            usage_update(actor=SYSTEM, usage=usage, **links)
        if usage.archive_active:
            start = self.today.replace(month=1, day=1) - datetime.timedelta(
                days=365 * (usage.archive_frequency_years or 5) * 2)
            for index in range(2):
                end = add_months(start, 12 * (usage.archive_frequency_years or 5)) \
                    - datetime.timedelta(days=1)
                journal_period_create(
                    actor=SYSTEM, usage=usage, start_date=start, end_date=end,
                    archive_id=f"AVID.{self.plan.slug.upper()}.{usage.system_id}.{index + 1}",
                    approved=index == 0 or rng.random() < 0.5,
                )
                start = end + datetime.timedelta(days=1)

    # -- contracts ----------------------------------------------------------------------
    def contract_terms(self, index: int, rng: random.Random) -> dict:
        return contract_terms(self.today, index, rng)

    # What the demo municipality made of the shared option lists (kitos.options): the
    # payment models it does not use switched off, its own words for a template.
    OPTION_ADAPTATIONS = {
        "demo": {
            ("payment_model", "milestones"): options.Adaptation(is_active=False),
            ("payment_model", "time_materials"): options.Adaptation(is_active=False),
            ("contract_template", "k04"): options.Adaptation(is_active=False),
            ("contract_template", "k03"): options.Adaptation(
                is_active=True, sort_order=1,
                description="Vores standard ved køb af fagsystemer; aftales med Indkøb."),
        },
    }

    def seed_option_adaptations(self) -> None:
        wanted = self.OPTION_ADAPTATIONS.get(self.plan.slug, {})
        by_kind: dict[str, dict] = {}
        for (kind, code), adaptation in wanted.items():
            option = Option.objects.filter(kind=kind, code=code).first()
            if option is not None:
                by_kind.setdefault(kind, {})[option] = adaptation
        for kind, adaptations in by_kind.items():
            options.adapt_options(actor=SYSTEM, organisation=self.organisation, key=kind,
                                  adaptations=adaptations)

    @cached_property
    def offered_options(self) -> dict[str, list[Option]]:
        """The option lists this organisation is offered (kitos.options), by key."""
        by_kind: dict[str, list[Option]] = {}
        for kind in Contract.option_fields.values():
            by_kind[kind] = list(options.offered(kind, self.organisation))
        return by_kind

    def contract_record(self, number: int, rng: random.Random, supplier) -> dict:
        """Template, agreement elements, signatures, payment terms and a procurement plan
        as a contract register holds them: most contracts have most of it, a few lack
        the signatures or the plan (the gaps a contract manager would chase)."""
        def pick(kind, *codes):
            offered = {o.code: o for o in self.offered_options[kind]}
            choices = [offered[c] for c in codes if c in offered] or list(offered.values())
            return rng.choice(choices) if choices else None

        signed = self.today - datetime.timedelta(days=rng.randint(200, 2400))
        record = {
            "contract_template": pick("contract_template", "k01", "k02", "k03", "ski",
                                      "supplier_terms"),
            "payment_model": pick("payment_model", "subscription", "fixed", "per_user"),
            "payment_frequency": pick("payment_frequency", "quarterly", "yearly", "monthly"),
            "price_regulation": pick("price_regulation", "net_price_index", "wage_index"),
            "procurement_strategy": pick("procurement_strategy", "retender", "mini_tender",
                                         "renegotiate", "extend"),
            "agreement_elements": [o for o in self.offered_options["agreement_element"]
                                   if o.code in ("licence", "operation", "support")
                                   and rng.random() < 0.8],
        }
        if number % 7:
            record.update(
                customer_signed_by=rng.choice(["Kommunaldirektør", "It-chef", "Direktør for "
                                               "Økonomi og Digitalisering"]),
                customer_signed_on=signed,
                supplier_signed_by=f"Kundechef, {supplier.name}",
                supplier_signed_on=signed - datetime.timedelta(days=rng.randint(1, 14)),
            )
        if number % 4 == 0:
            record.update(procurement_plan_year=self.today.year + rng.randint(1, 3),
                          procurement_plan_quarter=rng.randint(1, 4))
        return record

    def seed_contracts(self) -> list[Contract]:
        existing = {c.name: c for c in Contract.objects.filter(organisation=self.organisation)}
        covered = set(
            ContractCoverage.objects.filter(organisation=self.organisation).values_list(
                "contract_id", flat=True
            )
        )
        with_lines = set(
            CostLine.objects.filter(contract__organisation=self.organisation).values_list(
                "contract_id", flat=True
            )
        )
        contracts = []
        number = 0
        plans = []
        # One contract per usage with a supplier; framework contracts per big supplier.
        by_supplier: dict[int, list[SystemUsage]] = {}
        for usage in self.usages:
            supplier = usage.system.rights_holder
            if supplier is None:
                continue
            by_supplier.setdefault(supplier.pk, []).append(usage)
            plans.append((f"{usage.system.name} – licens og drift", supplier, [usage]))
        for supplier_usages in by_supplier.values():
            if len(supplier_usages) >= 3:
                supplier = supplier_usages[0].system.rights_holder
                plans.append((f"Rammeaftale {supplier.name}", supplier, supplier_usages))
        kinds = ["licence", "operation", "service", "main"]
        forms = ["ski", "eu_tender", "below_threshold", "direct"]
        for name, supplier, usages in plans:
            number += 1
            if len(contracts) >= max(self.plan.contracts_min, len(plans)):
                break
            contract = existing.get(name)
            if contract is None:
                rng = self.rng_for("contract", name)
                owner_unit = usages[0].responsible_unit
                yearly = Decimal(rng.choice([
                    rng.randint(15, 200) * 1000,
                    rng.randint(200, 1500) * 1000,
                    rng.randint(1500, 6000) * 1000,
                ]))
                contract = contract_create(
                    actor=SYSTEM,
                    organisation=self.organisation,
                    name=name,
                    contract_number=f"{self.plan.slug.upper()}-K{number:04d}",
                    contract_type="main" if len(usages) > 1 else rng.choice(kinds),
                    supplier=supplier,
                    responsible_unit=owner_unit,
                    procurement_form=rng.choice(forms),
                    criticality=usages[0].criticality,
                    acquisition_cost=Decimal(rng.randint(0, 40) * 25000),
                    yearly_cost=yearly,
                    **self.contract_terms(number, rng),
                    **self.contract_record(number, rng, supplier),
                    usages=usages,
                    main_for=usages if len(usages) == 1 else [],
                )
            elif contract.pk not in covered:
                contract_set_coverage(
                    actor=SYSTEM, contract=contract, usages=usages,
                    main_for=usages if len(usages) == 1 else [],
                )
            if contract.pk not in with_lines and contract.yearly_cost and number % 3 == 0:
                units = [u for u in {x.responsible_unit for x in usages} if u][:2]
                for year in (self.today.year - 1, self.today.year):
                    for unit in units:
                        audited = year < self.today.year
                        cost_line_create(
                            actor=SYSTEM,
                            contract=contract,
                            unit=unit,
                            year=year,
                            amount=(contract.yearly_cost / len(units)).quantize(Decimal("1")),
                            accounting_entry=f"{unit.local_code or '6.45'}.{number:02d}",
                            audit_status="green" if audited else "not_audited",
                            audited_on=datetime.date(year + 1, 3, 15) if audited else None,
                        )
            contracts.append(contract)
        return contracts

    # -- data and GDPR ------------------------------------------------------------------
    def seed_data_assets(self) -> list[DataAsset]:
        categories = {
            c.kind: c for c in DataCategory.objects.filter(organisation=None, parent=None)
        }
        existing = {a.name: a for a in DataAsset.objects.filter(organisation=self.organisation)}
        linked = set(
            DataAssetUsage.objects.filter(organisation=self.organisation).values_list(
                "asset_id", flat=True
            )
        )
        by_name = {u.system.name: u for u in self.usages}
        assets = []
        for name, description, kinds, forvaltning in data.DATA_ASSETS:
            if forvaltning not in self.forvaltninger:
                continue
            rng = self.rng_for("asset", name)
            asset = existing.get(name) or create_object(
                actor=SYSTEM,
                instance=DataAsset(
                    organisation=self.organisation,
                    name=name,
                    description=description,
                    owning_unit=self.forvaltninger[forvaltning],
                    classification="confidential" if "sensitive" in kinds else "internal",
                    retention=rng.choice(["5 år efter sagens afslutning", "10 år",
                                               "Til arkivering (B)", "3 år"]),
                ),
                m2m={"categories": [categories[k] for k in kinds]},
            )
            if asset.pk not in linked:
                # The systems that really hold such data; the first one stores it.
                holders = [by_name[n] for n in data.ASSET_SYSTEMS.get(name, ()) if n in by_name]
                for index, usage in enumerate(holders):
                    data_asset_link_usage(
                        actor=SYSTEM, asset=asset, usage=usage,
                        use="stores" if index == 0 else rng.choice(["stores", "uses"]),
                    )
            assets.append(asset)
        return assets

    def seed_processing_activities(self) -> list[ProcessingActivity]:
        """KL's standard activities that the municipality's systems carry (demo.data's
        ACTIVITY_SYSTEMS): the activity's systems, data assets and categories of personal
        data agree with each other, and its KLE numbers are KL's."""
        _, standard = read_kl_list()
        kle = {k.number: k for k in KleNumber.objects.all()}
        existing = {
            a.name: a for a in ProcessingActivity.objects.filter(organisation=self.organisation)
        }
        top_categories = {
            c.kind: c for c in DataCategory.objects.filter(organisation=None, parent=None)
        }
        usages = {u.system.name: u for u in self.usages}
        assets = {a.name: a for a in self.assets}
        activities = []
        for item in standard:
            if item.number not in data.ACTIVITY_SYSTEMS:
                continue
            system_names, asset_names = data.ACTIVITY_SYSTEMS[item.number]
            activity_usages = [usages[n] for n in system_names if n in usages]
            if not activity_usages:
                continue
            activity_assets = [assets[n] for n in asset_names if n in assets]
            kinds = {
                kind for n in asset_names for asset in data.DATA_ASSETS if asset[0] == n
                for kind in asset[2] if kind != "non_personal"
            } or {"ordinary"}
            sensitive = bool(kinds & {"sensitive", "criminal"})
            name = item.name[:300]
            activity = existing.get(name)
            if activity is None:
                rng = self.rng_for("activity", name)
                dpia_needed = "yes" if sensitive else rng.choice(["no", "unknown"])
                dpia_done = dpia_needed == "yes" and rng.random() < 0.6
                activity = create_object(
                    actor=SYSTEM,
                    instance=ProcessingActivity(
                        organisation=self.organisation,
                        name=name,
                        standard_number=item.number,
                        purpose=f"Løsning af kommunens opgaver: {item.name[0].lower()}"
                        f"{item.name[1:]}",
                        legal_basis_art6=rng.choice(["6.1.c", "6.1.e", "6.1.e"]),
                        legal_basis_art9="9.2.b" if "sensitive" in kinds else "",
                        data_subjects="Borgere, pårørende og medarbejdere",
                        recipients="Andre offentlige myndigheder efter lovgivningen",
                        retention=rng.choice(["", "5 år efter sagens afslutning",
                                                   "Slettes efter arkivlovens regler"]),
                        security_measures="Adgangsstyring, logning og kryptering",
                        responsible_unit=activity_usages[0].responsible_unit
                        or rng.choice(list(self.forvaltninger.values())),
                        dpia_needed=dpia_needed,
                        dpia_done=dpia_done,
                        dpia_date=self.today - datetime.timedelta(days=200) if dpia_done else None,
                        risk_level="high" if sensitive else rng.choice(["low", "medium"]),
                    ),
                    m2m={
                        "kle_numbers": [kle[n] for n in item.kle_numbers if n in kle][:15],
                        "usages": activity_usages,
                        "data_categories": [top_categories[k] for k in sorted(kinds)],
                        "data_assets": activity_assets,
                    },
                )
            activities.append(activity)
        return activities

    def seed_agreements(self) -> list[DataProcessingAgreement]:
        existing = {
            a.name: a
            for a in DataProcessingAgreement.objects.filter(organisation=self.organisation)
        }
        foreign = [s for s in self.parent.suppliers.values() if s.country != "DK"]
        danish_hosting = [s for s in self.parent.suppliers.values() if s.country == "DK"]
        agreements = []
        candidates = [c for c in self.contracts if c.supplier_id][: self.plan.agreements * 3]
        for contract in candidates[:: 3][: self.plan.agreements]:
            name = f"Databehandleraftale {contract.supplier.name} – {contract.name}"[:250]
            agreement = existing.get(name)
            if agreement is None:
                rng = self.rng_for("agreement", name)
                third_country = rng.random() < 0.3
                interval = rng.choice(["6", "12", "12", "24"])
                concluded = contract.start_date or self.today - datetime.timedelta(days=900)
                agreement = create_object(
                    actor=SYSTEM,
                    instance=DataProcessingAgreement(
                        organisation=self.organisation,
                        name=name,
                        processor=contract.supplier,
                        contract=contract,
                        concluded_on=concluded,
                        third_country_transfer=third_country,
                        transfer_basis=rng.choice(["scc", "dpf", ""]) if third_country
                        else "",
                        oversight_method=rng.choice(
                            ["isae3402_2", "isae3000", "written", "self"]
                        ),
                        oversight_interval=interval,
                    ),
                    m2m={"usages": list(contract.usages.all())},
                )
                sub = rng.choice(foreign if third_country else danish_hosting)
                if sub.pk != agreement.processor_id:
                    create_object(
                        actor=SYSTEM,
                        instance=SubProcessor(
                            agreement=agreement,
                            supplier=sub,
                            service="Hosting og drift",
                            country=sub.country,
                            transfer_basis="scc" if third_country else "",
                        ),
                    )
                if rng.random() < 0.75:
                    oversight_record_create(
                        actor=SYSTEM,
                        agreement=agreement,
                        date=self.today - datetime.timedelta(days=rng.randint(30, 800)),
                        method=agreement.oversight_method,
                        result=rng.choice(["no_remarks", "no_remarks", "minor", "major"]),
                        report_url="https://example.org/tilsynsrapport.pdf",
                    )
            agreements.append(agreement)
        return agreements

    # -- roles and logins ---------------------------------------------------------------
    def seed_roles(self) -> None:
        types = {
            (t.applies_to, t.code): t for t in RoleType.objects.filter(organisation=None)
        }
        existing = set(
            RoleAssignment.objects.filter(organisation=self.organisation).values_list(
                "role_type_id", "content_type_id", "object_id"
            )
        )
        people = self.persons

        def assign(code, kind, target, share):
            role_type = types[(kind, code)]
            key = (role_type.pk, ContentType.objects.get_for_model(target).pk, target.pk)
            # Keyed by names, not ids: which objects get a holder must not change when
            # a migration adds a content type or a role type elsewhere.
            rng = self.rng_for("role", code, kind, str(target))
            if key in existing or rng.random() >= share:
                return
            role_assign(actor=SYSTEM, person=rng.choice(people), role_type=role_type,
                        target=target)
            existing.add(key)

        for usage in self.usages:
            # Deliberate gaps: some systems have no system owner (the dashboard shows them).
            assign("systemejer", "system_usage", usage, 0.85)
            assign("systemansvarlig", "system_usage", usage, 0.6)
            assign("it-arkitekt", "system_usage", usage, 0.15)
        for contract in self.contracts:
            assign("kontraktejer", "contract", contract, 0.8)
            assign("contract-manager", "contract", contract, 0.45)
        for activity in self.activities:
            assign("behandlingsansvarlig", "processing_activity", activity, 0.9)
        for agreement in self.agreements:
            assign("dba-ansvarlig", "data_processing_agreement", agreement, 0.9)
        assign("dpo", "organisation", self.organisation, 1.0)

    def seed_rights_holder_login(self) -> None:
        """``leverandoer``: a supplier's login with rights-holder access for the shared
        supplier holding the most shared systems (no membership: it sees only those)."""
        from django.db.models import Count, Q

        from portfolio.models import RightsHolderAccess

        User = get_user_model()
        if User.objects.filter(username="leverandoer").exists():
            return
        supplier = (
            Supplier.objects.filter(is_local=False)
            .annotate(shared=Count("systems", filter=Q(systems__is_local=False)))
            .filter(shared__gt=0).order_by("-shared", "name").first()
        )
        if supplier is None:
            return
        user = User.objects.create_user(
            username="leverandoer", password=DEMO_PASSWORD, email="support@leverandoer.dk",
            first_name="Produktansvarlig", last_name=supplier.name,
        )
        if not RightsHolderAccess.objects.filter(user=user, supplier=supplier).exists():
            rights_holder_access_grant(actor=SYSTEM, user=user, supplier=supplier,
                                       note="Demo: leverandørens produktansvarlige")

    def seed_logins(self) -> None:
        User = get_user_model()
        role_types = {t.code: t for t in RoleType.objects.filter(organisation=None)}
        for username, (slug, role, title, staff) in LOGINS.items():
            if slug != self.plan.slug:
                continue
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(
                    username=username,
                    password=DEMO_PASSWORD,
                    email=f"{username}@{self.plan.domain}",
                    first_name=title,
                    last_name=self.plan.name,
                    is_staff=staff,
                )
                if staff:
                    user.user_permissions.set(
                        Permission.objects.filter(
                            content_type__app_label__in=["roles", "portfolio", "contracts",
                                                         "gdpr", "kitos"]
                        )
                    )
            if not Membership.objects.filter(user=user, organisation=self.organisation).exists():
                membership_set(actor=SYSTEM, user=user, organisation=self.organisation, role=role)
            person = Person.objects.filter(organisation=self.organisation, user=user).first()
            if person is None:
                person = person_create(
                    actor=SYSTEM,
                    organisation=self.organisation,
                    name=f"{title} ({username})",
                    email=user.email,
                    title=title,
                    user=user,
                    unit=self.forvaltninger.get("BU") if username == "chef" else None,
                )
                # The chef leads Børn og Unge: their Min side shows the forvaltning's
                # numbers, and unanswered deadlines there escalate to them.
                if username == "chef" and self.forvaltninger.get("BU"):
                    role_assign(actor=SYSTEM, person=person,
                                role_type=role_types["enhedsleder"],
                                target=self.forvaltninger["BU"])
                # The system owner login owns a handful of systems, so "my page" has content.
                if username == "systemejer":
                    owned = RoleAssignment.objects.filter(
                        organisation=self.organisation, role_type=role_types["systemejer"]
                    ).values_list("object_id", flat=True)
                    # Systems with a notice deadline in the coming months first: the
                    # login's Min side and calendar then show one whatever order the
                    # database returned the catalog in.
                    soon = set(ContractCoverage.objects.filter(
                        contract__organisation=self.organisation,
                        contract__notice_deadline__range=(
                            self.today, self.today + datetime.timedelta(days=150)),
                    ).values_list("usage_id", flat=True))
                    taken = set(owned)
                    free = sorted((u for u in self.usages if u.pk not in taken),
                                  key=lambda u: u.pk not in soon)[:5]
                    for usage in free or self.usages[:5]:
                        role_assign(actor=SYSTEM, person=person,
                                    role_type=role_types["systemejer"], target=usage)

    def summary(self) -> str:
        o = self.organisation
        counts = {
            "enheder": OrganisationUnit.objects.filter(organisation=o).count(),
            "personer": Person.objects.filter(organisation=o).count(),
            "kompetencer": Competency.objects.filter(organisation=o).count(),
            "systemanvendelser": SystemUsage.objects.filter(organisation=o).count(),
            "integrationer": Integration.objects.filter(organisation=o).count(),
            "kontrakter": Contract.objects.filter(organisation=o).count(),
            "behandlingsaktiviteter": ProcessingActivity.objects.filter(organisation=o).count(),
            "databehandleraftaler": DataProcessingAgreement.objects.filter(
                organisation=o).count(),
            "rolletildelinger": RoleAssignment.objects.filter(organisation=o).count(),
        }
        return f"{o.name}: " + ", ".join(f"{v} {k}" for k, v in counts.items())
