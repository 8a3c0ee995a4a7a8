"""Synthetic municipalities at national scale (``generate_scale``): many organisations,
each with a unit tree, persons, system usages over a shared catalog, contracts with their
coverage and computed deadlines, integrations, processing activities and role
assignments, in realistic proportions.

It is a sizing and benchmark tool, not a second write path for real data: rows go in
with bulk inserts (``kitos.excel.bulk.insert``, COPY on PostgreSQL) inside one
transaction, without audit entries, so 40,000 contracts take seconds instead of the
minutes the audited services would. The rules stay the model's own: every contract's
deadlines are computed by ``Contract.apply_deadlines``, the contract terms are the
demo's (``demo.seed.contract_terms``) and the unit paths are built as
``roles.services`` builds them.

Deterministic for a given ``seed``: each organisation draws from a random stream keyed
by the seed and its slug, so adding organisations later does not change earlier ones.
"""

from __future__ import annotations

import datetime
import math
import random
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from contracts.models import Contract, ContractCoverage
from demo import data
from demo.seed import DEMO_PASSWORD, contract_terms
from gdpr.models import DataCategory, ProcessingActivity
from gdpr.reference import ensure_data_categories
from kitos.db import new_instance
from kitos.excel.bulk import insert, pipelined
from kitos.models import Membership, Organisation
from portfolio.choices import BusinessType
from portfolio.models import Integration, ItSystem, Supplier, SystemUsage, SystemUsageUnit
from roles.models import OrganisationUnit, Person, RoleAssignment, RoleType
from roles.reference import ensure_disciplines_and_role_types


class ScaleError(Exception):
    """A request the generator refuses (shown to the user as it is)."""


# Words the synthetic catalog's names are made of, so that searches find realistic
# numbers of rows ("borger", "skole", "økonomi") rather than one name each.
SYSTEM_STEMS = (
    "Borgerportal", "Sagsbehandling", "Booking", "Vikardækning", "Journal", "Økonomi",
    "Indberetning", "Planlægning", "Ydelsesstyring", "Dokumentboks", "Tidsregistrering",
    "Visitation", "Elevadministration", "Pladsanvisning", "Kørselsordning", "Ressourcestyring",
    "Kvalitetsdata", "Selvbetjening", "Kommunikation", "Arkiv", "Analyse", "Integration",
)
SYSTEM_AREAS = (
    "Skole", "Dagtilbud", "Ældre", "Handicap", "Beskæftigelse", "Teknik", "Miljø", "Kultur",
    "HR", "Borgerservice", "Sundhed", "Familie", "Byggeri", "Vej og Park",
)
SUPPLIER_STEMS = (
    "Data", "Soft", "Digital", "Kommune-it", "Systemhus", "Cloud", "Konsulent", "Netværk",
)
ACTIVITY_NAMES = (
    "Behandling af ansøgninger om", "Sagsbehandling vedrørende", "Registrering af",
    "Udbetaling af ydelser til", "Tilsyn med", "Visitation til",
)
BUSINESS_TYPES = tuple(BusinessType.values)
LIFECYCLES = ["operational"] * 12 + ["phasing_in", "phasing_out", "planned", "retired",
                                    "undecided"]
BATCH = 5000


@dataclass
class Sizes:
    """What one run adds per organisation."""

    usages: int
    contracts: int
    persons: int = 0
    activities: int = 0
    integrations: int = 0

    def __post_init__(self):
        # Realistic proportions: a person per three systems plus contract owners for a
        # big contract portfolio; a processing activity per eight systems; integrations
        # for three in five systems.
        self.persons = self.persons or max(10, self.usages // 3 + self.contracts // 20)
        self.activities = self.activities or max(3, self.usages // 8)
        self.integrations = self.integrations or (self.usages * 3) // 5


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=dict)
    organisations: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, key: str, count: int) -> None:
        self.counts[key] = self.counts.get(key, 0) + count


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


class ScaleGenerator:
    """Adds `sizes` to each of `organisations` new organisations named
    ``<prefix>-001`` … (continuing after the ones already there), or to the one existing
    organisation `organisation_slug`."""

    def __init__(self, *, sizes: Sizes, organisations: int = 1, seed: int = 1,
                 today: datetime.date, prefix: str = "skala",
                 organisation_slug: str | None = None, logins: bool = False):
        if sizes.usages < 1 or sizes.contracts < 0 or organisations < 1:
            raise ScaleError("Der skal være mindst én organisation og én systemanvendelse.")
        self.sizes = sizes
        self.organisations = organisations
        self.seed = seed
        self.today = today
        self.prefix = prefix
        self.organisation_slug = organisation_slug
        self.logins = logins
        self.report = Report()

    # -- the run ------------------------------------------------------------------------
    def run(self) -> Report:
        started = time.perf_counter()
        with transaction.atomic():
            ensure_disciplines_and_role_types(apps)
            ensure_data_categories(apps)
            self.role_types = {
                (t.applies_to, t.code): t for t in RoleType.objects.filter(organisation=None)
            }
            self.categories = list(
                DataCategory.objects.filter(organisation=None, parent=None).order_by("kind"))
            self.content_types = {
                model: ContentType.objects.get_for_model(model).pk
                for model in (SystemUsage, Contract, ProcessingActivity)
            }
            targets = self._target_organisations()
            self.suppliers, self.systems = self._catalog()
            for organisation in targets:
                # The COPY statements run beside the building of the next batch.
                with pipelined():
                    OrganisationScale(self, organisation).run()
                self.report.organisations.append(organisation.slug)
        if connection.vendor == "postgresql":
            # Fresh planner statistics: right after a bulk load PostgreSQL still plans
            # for the empty tables (autovacuum catches up only later), and the pages
            # measured on the data would be measured with the wrong plans.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.report.seconds = time.perf_counter() - started
        return self.report

    def _target_organisations(self) -> list[Organisation]:
        if self.organisation_slug:
            organisation = Organisation.objects.filter(slug=self.organisation_slug).first()
            if organisation is None:
                raise ScaleError(f"Organisationen »{self.organisation_slug}« findes ikke.")
            return [organisation]
        taken = set(Organisation.objects.filter(slug__startswith=f"{self.prefix}-")
                    .values_list("slug", flat=True))
        start = 1 + max((int(s.rsplit("-", 1)[1]) for s in taken
                         if s.rsplit("-", 1)[1].isdigit()), default=0)
        width = max(3, len(str(start + self.organisations)))
        new = []
        for number in range(start, start + self.organisations):
            slug = f"{self.prefix}-{number:0{width}d}"
            rng = random.Random(f"{self.seed}/{slug}")
            new.append(Organisation(
                name=f"{self.prefix.capitalize()} Kommune {number}", slug=slug,
                uuid=_uuid(rng)))
        insert(Organisation, new)
        self.report.add("organisationer", len(new))
        return new

    # -- the shared catalog ---------------------------------------------------------------
    def _system_names(self) -> list[tuple[str, str, str | None]]:
        """(name, business type, supplier name or None) of the whole catalog wanted."""
        wanted = [(name, business_type, supplier)
                  for name, supplier, business_type, _description, _licence in data.SYSTEMS]
        # Each usage of an organisation is a different system, so the catalog holds a
        # third more systems than the largest organisation uses.
        existing_usages = 0
        if self.organisation_slug:
            existing_usages = SystemUsage.objects.filter(
                organisation__slug=self.organisation_slug).count()
        needed = math.ceil((self.sizes.usages + existing_usages) * 4 / 3)
        number = 0
        while len(wanted) < needed:
            number += 1
            stem = SYSTEM_STEMS[number % len(SYSTEM_STEMS)]
            area = SYSTEM_AREAS[(number // len(SYSTEM_STEMS)) % len(SYSTEM_AREAS)]
            wanted.append((f"{area} {stem} {number:05d}",
                           BUSINESS_TYPES[number % len(BUSINESS_TYPES)], None))
        return wanted

    def _catalog_uuid(self, name: str) -> uuid.UUID:
        # By name, not from the random stream: a later run that adds entries to the
        # catalog must not hand out the ids of the first run's entries again.
        return uuid.uuid5(uuid.NAMESPACE_URL, f"kitos-scale/{self.seed}/{name}")

    def _catalog(self):
        rng = random.Random(f"{self.seed}/catalog")
        supplier_rows = [(name, cvr, country) for name, cvr, country in data.SUPPLIERS]
        supplier_rows += [(f"{SUPPLIER_STEMS[n % len(SUPPLIER_STEMS)]} {n:04d} A/S", "", "DK")
                          for n in range(1, max(40, self.sizes.usages // 10) + 1)]
        suppliers = {s.name.lower(): s for s in Supplier.objects.filter(is_local=False)}
        taken_cvr = set(Supplier.objects.exclude(cvr="").values_list("cvr", flat=True))
        new = []
        for name, cvr, country in supplier_rows:
            if name.lower() not in suppliers:
                supplier = Supplier(name=name, cvr="" if cvr in taken_cvr else cvr,
                                    country=country, uuid=self._catalog_uuid(name))
                suppliers[name.lower()] = supplier
                new.append(supplier)
        insert(Supplier, new)
        self.report.add("leverandører (katalog)", len(new))
        supplier_list = sorted(suppliers.values(), key=lambda s: s.name)

        systems = {s.name.lower(): s for s in ItSystem.objects.filter(is_local=False)}
        new = []
        for name, business_type, supplier_name in self._system_names():
            if name.lower() in systems:
                continue
            supplier = suppliers.get((supplier_name or "").lower()) or rng.choice(supplier_list)
            system = ItSystem(name=name, business_type=business_type, rights_holder=supplier,
                              description=f"{name}: kommunalt fagsystem.",
                              uuid=self._catalog_uuid(name))
            systems[name.lower()] = system
            new.append(system)
        insert(ItSystem, new)
        self.report.add("it-systemer (katalog)", len(new))
        return supplier_list, sorted(systems.values(), key=lambda s: s.name)


class OrganisationScale:
    """One organisation's share of a run."""

    def __init__(self, parent: ScaleGenerator, organisation: Organisation):
        self.parent = parent
        self.organisation = organisation
        self.sizes = parent.sizes
        self.today = parent.today
        # A new organisation has nothing yet: asking would only wait for the inserts
        # still being written (see pipelined).
        self.existing = parent.organisation_slug is not None
        self.rng = random.Random(f"{parent.seed}/{organisation.slug}/{self.count(SystemUsage)}")

    def count(self, model) -> int:
        """How many `model` rows the organisation had before this run."""
        return model.objects.filter(organisation=self.organisation).count() \
            if self.existing else 0

    def add(self, key: str, objects: list) -> list:
        for start in range(0, len(objects), BATCH):
            insert(type(objects[0]), objects[start:start + BATCH])
        self.parent.report.add(key, len(objects))
        return objects

    def run(self) -> None:
        self.units = self.seed_units()
        self.persons = self.seed_persons()
        self.usages = self.seed_usages()
        self.seed_integrations()
        self.contracts = self.seed_contracts()
        self.activities = self.seed_activities()
        self.seed_roles()
        if self.parent.logins:
            self.seed_logins()

    # -- units and people ---------------------------------------------------------------
    def seed_units(self) -> list[OrganisationUnit]:
        existing = list(OrganisationUnit.objects.filter(organisation=self.organisation)) \
            if self.existing else []
        if existing:
            return [u for u in existing if u.parent_id] or existing
        org = self.organisation
        rng = self.rng
        root = OrganisationUnit(organisation=org, name=org.name, uuid=_uuid(rng))
        self.add("enheder", [root])
        per_forvaltning = max(2, min(12, self.sizes.usages // 100))
        forvaltninger = [OrganisationUnit(organisation=org, parent=root, name=name,
                                          local_code=code, uuid=_uuid(rng))
                         for name, code, _ in data.UNITS]
        self.add("enheder", forvaltninger)
        afdelinger = []
        for forvaltning, (_, code, names) in zip(forvaltninger, data.UNITS, strict=True):
            for index in range(per_forvaltning):
                name, afd_code = names[index] if index < len(names) else (
                    f"{forvaltning.name} – team {index + 1}", f"{code}-T{index + 1}")
                afdelinger.append(OrganisationUnit(organisation=org, parent=forvaltning,
                                                   name=name, local_code=afd_code,
                                                   uuid=_uuid(rng)))
        self.add("enheder", afdelinger)
        # As roles.services builds them: the path needs the new ids.
        units = [root, *forvaltninger, *afdelinger]
        for unit in units:
            parent_path = unit.parent.path if unit.parent_id else "/"
            unit.path = f"{parent_path}{unit.pk}/"
            unit.depth = unit.path.count("/") - 2
        OrganisationUnit.objects.bulk_update(units, ["path", "depth"], batch_size=BATCH)
        return afdelinger

    def seed_persons(self) -> list[Person]:
        org, rng = self.organisation, self.rng
        offset = self.count(Person)
        persons = []
        for number in range(offset + 1, offset + self.sizes.persons + 1):
            first = rng.choice(data.FIRST_NAMES)
            last = rng.choice(data.LAST_NAMES)
            persons.append(new_instance(
                Person, organisation_id=org.pk, name=f"{first} {last}", uuid=_uuid(rng),
                email=f"person{number:05d}@{org.slug}.dk",
                title=data.JOB_TITLES[number % len(data.JOB_TITLES)],
                unit_id=rng.choice(self.units).pk))
        self.add("personer", persons)
        return persons

    # -- systems --------------------------------------------------------------------------
    def seed_usages(self) -> list[SystemUsage]:
        org, rng, today = self.organisation, self.rng, self.today
        used = set(SystemUsage.objects.filter(organisation=org).values_list(
            "system_id", flat=True)) if self.existing else set()
        free = [s for s in self.parent.systems if s.pk not in used]
        if len(free) < self.sizes.usages:
            raise ScaleError(
                f"{org.name} bruger allerede {len(used)} systemer; kataloget har kun "
                f"{len(free)} ledige til {self.sizes.usages} nye systemanvendelser.")
        usages, using = [], []
        for system in rng.sample(free, self.sizes.usages):
            lifecycle = rng.choice(LIFECYCLES)
            go_live = today - datetime.timedelta(days=rng.randint(90, 365 * 12))
            retirement = None
            if lifecycle == "retired":
                retirement = today - datetime.timedelta(days=rng.randint(10, 700))
                go_live = min(go_live, retirement - datetime.timedelta(days=365))
            elif lifecycle == "phasing_out":
                retirement = today + datetime.timedelta(days=rng.randint(60, 700))
            elif lifecycle in ("planned", "phasing_in"):
                go_live = today + datetime.timedelta(days=rng.randint(-30, 300))
            usages.append(SystemUsage(
                organisation=org, system=system, uuid=_uuid(rng),
                responsible_unit=rng.choice(self.units), lifecycle=lifecycle,
                go_live_date=go_live, retirement_date=retirement,
                version=f"{rng.randint(1, 12)}.{rng.randint(0, 9)}",
                criticality=rng.choice(["low", "medium", "medium", "high", "critical"]),
                socially_critical="yes" if rng.random() < 0.12 else "no",
                data_classification=rng.choice(
                    ["public", "internal", "internal", "confidential", "confidential"]),
                hosting=rng.choice(["on_premise", "external", "saas", "saas", "hybrid"]),
                contains_ai=rng.choice(["no", "no", "no", "yes", "unknown"]),
                archive_duty=rng.choice(["B", "K", "K", "BD", ""]),
                time_assessment=rng.choice(
                    ["tolerate", "tolerate", "invest", "migrate", "eliminate", ""]),
            ))
        self.add("systemanvendelser", usages)
        for usage in usages:
            for unit in rng.sample(self.units, min(2, len(self.units))):
                using.append(SystemUsageUnit(usage=usage, unit=unit,
                                             organisation=self.organisation))
        if using:
            self.add("anvendende enheder", using)
        return usages

    def seed_integrations(self) -> None:
        rng, usages = self.rng, self.usages
        if len(usages) < 2:
            return
        pairs, integrations = set(), []
        for _ in range(self.sizes.integrations):
            source, target = rng.sample(usages, 2)
            if (source.pk, target.pk) in pairs:
                continue
            pairs.add((source.pk, target.pk))
            integrations.append(Integration(
                organisation=self.organisation, source=source, target=target,
                uuid=_uuid(rng), name=f"{source.system.name} → {target.system.name}"[:200],
                interface_type=rng.choice(["rest", "soap", "file", "serviceplatformen",
                                           "database"]),
                frequency=rng.choice(["realtime", "daily", "daily", "weekly", "hourly"])))
        if integrations:
            self.add("integrationer", integrations)

    # -- contracts ------------------------------------------------------------------------
    def seed_contracts(self) -> list[Contract]:
        org, rng, today = self.organisation, self.rng, self.today
        offset = self.count(Contract)
        mains = set(ContractCoverage.objects.filter(organisation=org, is_main=True)
                    .values_list("usage_id", flat=True)) if self.existing else set()
        kinds = ["licence", "operation", "service", "main"]
        forms = ["ski", "eu_tender", "below_threshold", "direct"]
        contracts, coverage = [], []
        for number in range(offset + 1, offset + self.sizes.contracts + 1):
            share = rng.random()
            covered = (rng.sample(self.usages, min(len(self.usages), rng.randint(2, 3)))
                       if share < 0.25 else [] if share > 0.95 else [rng.choice(self.usages)])
            first = covered[0] if covered else None
            supplier = (first.system.rights_holder if first and rng.random() < 0.8
                        else rng.choice(self.parent.suppliers))
            area = first.system.name if first else rng.choice(SYSTEM_AREAS)
            contract = new_instance(
                Contract, organisation_id=org.pk, uuid=_uuid(rng),
                name=f"{area} – {rng.choice(['licens', 'drift', 'support', 'udvikling'])} "
                     f"{number:06d}",
                contract_number=f"{org.slug.upper()}-S{number:06d}",
                contract_type="main" if len(covered) > 1 else rng.choice(kinds),
                supplier_id=supplier.pk,
                responsible_unit_id=(first.responsible_unit if first
                                     else rng.choice(self.units)).pk,
                procurement_form=rng.choice(forms),
                criticality=first.criticality if first else "",
                acquisition_cost=Decimal(rng.randint(0, 40) * 25000),
                yearly_cost=Decimal(rng.choice([rng.randint(15, 200), rng.randint(200, 1500),
                                                rng.randint(1500, 6000)]) * 1000),
                **contract_terms(today, number, rng),
            )
            # The model's own rule, never a copy of it.
            contract.apply_deadlines(today)
            contracts.append(contract)
            for usage in covered:
                main = len(covered) == 1 and usage.pk not in mains
                if main:
                    mains.add(usage.pk)
                coverage.append((contract, usage.pk, main))
        if contracts:
            self.add("kontrakter", contracts)
        if coverage:
            self.add("kontraktdækninger", [
                new_instance(ContractCoverage, contract_id=contract.pk, usage_id=usage_id,
                             organisation_id=org.pk, is_main=main)
                for contract, usage_id, main in coverage])
        return contracts

    # -- GDPR and roles ---------------------------------------------------------------------
    def seed_activities(self) -> list[ProcessingActivity]:
        org, rng = self.organisation, self.rng
        offset = self.count(ProcessingActivity)
        activities, links, kinds = [], [], []
        for number in range(offset + 1, offset + self.sizes.activities + 1):
            # Deliberate gaps, as in real registers: some lack a legal basis, retention
            # or a DPIA where one is needed.
            sensitive = rng.random() < 0.35
            dpia_needed = "yes" if sensitive else rng.choice(["no", "unknown"])
            dpia_done = dpia_needed == "yes" and rng.random() < 0.6
            area = rng.choice(SYSTEM_AREAS)
            activities.append(ProcessingActivity(
                organisation=org, uuid=_uuid(rng),
                name=f"{rng.choice(ACTIVITY_NAMES)} {area.lower()} {number:05d}",
                purpose=f"Løsning af kommunens opgaver på {area.lower()}området",
                legal_basis_art6="" if rng.random() < 0.08 else rng.choice(
                    ["6.1.c", "6.1.e", "6.1.e"]),
                legal_basis_art9="9.2.b" if sensitive else "",
                data_subjects="Borgere, pårørende og medarbejdere",
                recipients="Andre offentlige myndigheder efter lovgivningen",
                retention=rng.choice(["", "5 år efter sagens afslutning",
                                      "Slettes efter arkivlovens regler"]),
                security_measures="Adgangsstyring, logning og kryptering",
                responsible_unit=rng.choice(self.units),
                dpia_needed=dpia_needed, dpia_done=dpia_done,
                dpia_date=self.today - datetime.timedelta(days=200) if dpia_done else None,
                risk_level="high" if sensitive else rng.choice(["low", "medium"]),
            ))
            kinds.append(sensitive)
        if not activities:
            return []
        self.add("behandlingsaktiviteter", activities)
        usage_through = ProcessingActivity.usages.through
        category_through = ProcessingActivity.data_categories.through
        by_kind = {c.kind: c for c in self.parent.categories}
        categories = []
        for activity, sensitive in zip(activities, kinds, strict=True):
            for usage in rng.sample(self.usages, min(len(self.usages), rng.randint(1, 3))):
                links.append(usage_through(processingactivity_id=activity.pk,
                                           systemusage_id=usage.pk))
            for kind in ("ordinary", "sensitive") if sensitive else ("ordinary",):
                if kind in by_kind:
                    categories.append(category_through(processingactivity_id=activity.pk,
                                                       datacategory_id=by_kind[kind].pk))
        self.add("behandlingsaktiviteters systemer", links)
        if categories:
            self.add("behandlingsaktiviteters kategorier", categories)
        return activities

    def seed_roles(self) -> None:
        org, rng = self.organisation, self.rng
        assignments = []
        content_types = self.parent.content_types

        def assign(kind, code, model, objects, share):
            role_type = self.parent.role_types.get((kind, code))
            if role_type is None:
                return
            for obj in objects:
                # Deliberate gaps: some objects have no owner (the dashboards show them).
                if rng.random() < share:
                    assignments.append(new_instance(
                        RoleAssignment, organisation_id=org.pk,
                        person_id=rng.choice(self.persons).pk, role_type_id=role_type.pk,
                        content_type_id=content_types[model], object_id=obj.pk,
                        uuid=_uuid(rng)))

        assign("system_usage", "systemejer", SystemUsage, self.usages, 0.85)
        assign("system_usage", "systemansvarlig", SystemUsage, self.usages, 0.6)
        assign("contract", "kontraktejer", Contract, self.contracts, 0.8)
        assign("contract", "contract-manager", Contract, self.contracts, 0.45)
        assign("processing_activity", "behandlingsansvarlig", ProcessingActivity,
               self.activities, 0.9)
        if assignments:
            self.add("rolletildelinger", assignments)

    def seed_logins(self) -> None:
        """A reader and an editor per organisation (``<slug>-laeser``, ``<slug>-redaktoer``,
        the demo's password), each with a person of their own."""
        User = get_user_model()
        # One hash for every login: hashing is slow on purpose, and they share a password.
        password = make_password(DEMO_PASSWORD)
        org = self.organisation
        users, memberships, persons = [], [], []
        taken = set(User.objects.filter(username__startswith=f"{org.slug}-")
                    .values_list("username", flat=True))
        for suffix, role in (("laeser", "reader"), ("redaktoer", "editor")):
            username = f"{org.slug}-{suffix}"
            if username in taken:
                continue
            user = User(username=username, password=password, email=f"{suffix}@{org.slug}.dk",
                        first_name=suffix.capitalize(), last_name=org.name)
            users.append(user)
            memberships.append(Membership(user=user, organisation=org, role=role))
            persons.append(Person(organisation=org, name=f"{suffix.capitalize()} ({username})",
                                  email=user.email, user=user, uuid=_uuid(self.rng)))
        if users:
            User.objects.bulk_create(users)
            if users[0].pk is None:  # backends without RETURNING ids
                by_name = dict(User.objects.filter(
                    username__in=[u.username for u in users]).values_list("username", "pk"))
                for user in users:
                    user.pk = by_name[user.username]
            for membership, person, user in zip(memberships, persons, users, strict=True):
                membership.user = user
                person.user = user
            self.add("logins", memberships)
            insert(Person, persons)
