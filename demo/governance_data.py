"""The demo's governance: strategic goals, a portfolio of IT projects with status
reports and steering groups with meetings and decisions, for Demo Kommune and Nabo
Kommune, tied to the demo's units, people, system usages and contracts. Called once per
organisation from demo/seed.py; created through the governance services and looked up
by title/name first, so a re-run creates nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from contracts.models import ContractCoverage
from governance.benefit_due_services import due_date_create
from governance.choices import ProjectPhase
from governance.models import Benefit, Project, ProjectStatusReport, StrategicGoal
from governance.services import (
    benefit_create,
    decision_create,
    goal_create,
    measurement_create,
    meeting_create,
    project_create,
    status_report_create,
    steering_group_create,
)
from kitos.dates import add_months
from kitos.tenancy import SYSTEM

# (key, title, description, forvaltning code or None for the whole municipality,
#  parent key, start year offset, length in years)
GOALS = (
    ("digital", "Digitalisering med borgeren i centrum",
     "Borgere og virksomheder møder én sammenhængende, digital kommune, der er let at bruge "
     "og tilgængelig for alle.", None, None, 0, 4),
    ("selvbetjening", "80 % af henvendelserne løses digitalt",
     "Flere henvendelser løses ved selvbetjening, så medarbejdernes tid går til dem, der har "
     "brug for personlig betjening.", "BD", "digital", 0, 3),
    ("faerre", "Færre og bedre fagsystemer",
     "Vi konsoliderer systemporteføljen: ét system pr. opgave, fælles løsninger før "
     "lokale, og ingen dobbeltindkøb.", None, None, 0, 4),
    ("kontraktstyring", "Styr på kontrakter og leverandører",
     "Alle it-kontrakter har en kontraktejer, og ingen kontrakt fornyes uden en aktiv "
     "beslutning.", "OP", "faerre", 0, 2),
    ("data", "Data som fælles ressource",
     "Data genbruges på tværs af forvaltningerne via fælleskommunal infrastruktur og "
     "dokumenterede snitflader.", None, None, 1, 4),
    ("sikkerhed", "Informationssikkerhed og databeskyttelse i top",
     "Kommunen efterlever ISO 27001-principperne og har overblik over behandlinger, "
     "databehandleraftaler og tilsyn.", "BD", None, 0, 3),
    ("velfaerd", "Velfærdsteknologi frigør tid til borgernær omsorg",
     "Velfærdsteknologi og digitale arbejdsgange i hjemmeplejen og på plejecentrene "
     "frigør tid til omsorg.", "SS", "digital", 0, 4),
    ("skole", "Digital læring i folkeskolen",
     "Alle elever og lærere har adgang til tidssvarende læringsplatforme og sikker "
     "elevdata.", "BU", "digital", 1, 3),
    ("groen", "Grøn it og bæredygtig drift",
     "It-driften halverer sit energiforbrug, og udtjent udstyr genbruges.", "BD", None, 1, 4),
    ("beskaeftigelse", "Hurtigere vej til job",
     "Digital sagsbehandling og bedre data forkorter ledighedsforløbene.", "BE", None, 0, 3),
)

# (name, purpose, phase, forvaltning code, investment, yearly operating cost, financing,
#  start offset in months from today, length in months, goal keys,
#  system business type the project affects and how (effect) or None)
PROJECTS = (
    ("Ny ESDH-løsning", "Udskiftning af kommunens ESDH-system efter endt kontraktperiode; "
     "fælles journalisering for alle forvaltninger.", ProjectPhase.IN_PROGRESS, "BD",
     "6800000", "1450000", "Anlægsbudget 2025-2027 og effektiviseringspulje", -14, 30,
     ("faerre", "digital"), ("esdh", "introduces")),
    ("Udbud af økonomisystem", "Genudbud af økonomisystemet via SKI-aftale med fokus på "
     "automatisering af bogføring og bedre ledelsesinformation.", ProjectPhase.ANALYSIS,
     "OP", "4200000", "950000", "Økonomi og Personales driftsbudget", 2, 24,
     ("faerre", "kontraktstyring"), ("economy", "changes")),
    ("Digital pladsanvisning", "Forældre søger, får tilbud om og opsiger pladser i dagtilbud "
     "digitalt; automatisk venteliste.", ProjectPhase.DECIDED, "BU", "1200000", "240000",
     "Børn og Unges digitaliseringspulje", 1, 12, ("selvbetjening", "digital"),
     ("children", "introduces")),
    ("Mobil omsorgsjournal i hjemmeplejen", "Medarbejderne dokumenterer hos borgeren på "
     "tablet og ser kørelister i realtid.", ProjectPhase.IMPLEMENTED, "SS", "2100000",
     "380000", "Velfærdsteknologipuljen", -26, 18, ("velfaerd",), ("social", "changes")),
    ("Udfasning af gammelt lønsystem", "Migrering af løn og fravær til den fælles "
     "løsning og lukning af det gamle system.", ProjectPhase.CLOSED, "OP", "900000", "0",
     "Løn og Personale", -30, 14, ("faerre",), ("payroll_hr", "retires")),
    ("Chatbot i Borgerservice", "En chatbot besvarer de hyppigste spørgsmål om pas, "
     "kørekort og flytning døgnet rundt.", ProjectPhase.STOPPED, "BD", "650000", "120000",
     "Borgerservice", -10, 8, ("selvbetjening",), ("citizen_service", "introduces")),
    ("Kontraktstyringsmodul og kontraktejere", "Alle it-kontrakter registreres med "
     "kontraktejer, frister og beslutninger; varsler før opsigelsesfrister.",
     ProjectPhase.IN_PROGRESS, "OP", "450000", "60000", "Indkøb og Udbud", -6, 12,
     ("kontraktstyring",), None),
    ("Fælles datavarehus", "Et fælles datavarehus samler nøgletal fra fagsystemerne til "
     "ledelsesinformation.", ProjectPhase.ANALYSIS, "BD", "2600000", "520000",
     "Digitaliseringspuljen", 3, 24, ("data",), ("bi", "introduces")),
    ("Overgang til Fælleskommunal Rammearkitektur", "Integrationer flyttes til "
     "Serviceplatformen og fælleskommunale snitflader.", ProjectPhase.IDEA, "BD", "1500000",
     "200000", "Ikke afklaret", 8, 30, ("data", "faerre"), ("infrastructure", "changes")),
    ("ISO 27001-implementering", "Ledelsessystem for informationssikkerhed, risikovurdering "
     "af kritiske systemer og awareness-træning.", ProjectPhase.IN_PROGRESS, "BD", "800000",
     "250000", "Informationssikkerhed og GDPR", -9, 18, ("sikkerhed",), None),
    ("Ny læringsplatform", "Fælles læringsplatform for alle skoler med integration til "
     "elevadministration.", ProjectPhase.DECIDED, "BU", "1900000", "610000",
     "Skoleområdets it-budget", 2, 15, ("skole",), ("school", "introduces")),
    ("Digital ansøgning om hjælpemidler", "Borgerne søger hjælpemidler digitalt, og "
     "visitationen får ansøgningerne struktureret.", ProjectPhase.IDEA, "SS", "500000",
     "90000", "Ikke afklaret", 10, 12, ("selvbetjening", "velfaerd"), ("self_service",
                                                                      "introduces")),
    ("Sagsbehandling i Jobcentret", "Ny arbejdsgang og bedre systemunderstøttelse af "
     "samtaler og opfølgning for ledige.", ProjectPhase.IN_PROGRESS, "BE", "1300000",
     "300000", "Beskæftigelsesområdets budget", -5, 14, ("beskaeftigelse",),
     ("employment", "changes")),
    ("GIS-platform i skyen", "Kommunens GIS flyttes til en SaaS-løsning med fælles "
     "kortdata for plan, vej og miljø.", ProjectPhase.ANALYSIS, "TM", "700000", "280000",
     "Teknik og Miljø", 4, 10, ("data", "groen"), ("gis", "changes")),
    ("Byggesag digitalt fra ansøgning til afgørelse", "Byg og Miljø-ansøgninger behandles "
     "uden papir med automatisk partshøring.", ProjectPhase.IMPLEMENTED, "TM", "950000",
     "150000", "Teknik og Miljø", -20, 12, ("selvbetjening",), ("technical", "changes")),
    ("Microsoft 365 og samarbejde", "Overgang til fælles samarbejdsplatform med Teams, "
     "SharePoint og politikker for deling.", ProjectPhase.CLOSED, "BD", "3200000",
     "2100000", "It-drift og Support", -36, 18, ("digital",), ("collaboration", "introduces")),
    ("Grøn it-drift", "Virtualisering, strømstyring af klienter og genbrug af udstyr.",
     ProjectPhase.IDEA, "BD", "350000", "0", "Klimapuljen", 6, 18, ("groen",),
     ("infrastructure", "changes")),
    ("Selvbetjening på biblioteket", "Automater og app til lån, reservering og "
     "betaling på alle biblioteker.", ProjectPhase.DECIDED, "KF", "600000", "110000",
     "Kultur og Fritid", 1, 9, ("selvbetjening",), ("culture", "changes")),
    ("Robotter til ydelsesudbetaling", "Softwarerobotter håndterer standardtilfælde i "
     "Ydelsescentret.", ProjectPhase.STOPPED, "BE", "400000", "80000",
     "Effektiviseringspuljen", -15, 6, ("beskaeftigelse",), None),
    ("Identitets- og adgangsstyring", "Fælles brugerstyring med MitID Erhverv, "
     "rollebaseret adgang og automatisk fratrædelse.", ProjectPhase.IN_PROGRESS, "BD",
     "1100000", "210000", "Informationssikkerhed og GDPR", -8, 16, ("sikkerhed",),
     ("identity", "introduces")),
    ("Ny telefoniplatform", "Softphone og kø-styring i Borgerservice og på tværs af "
     "forvaltningerne.", ProjectPhase.IMPLEMENTED, "BD", "850000", "330000",
     "It-drift og Support", -18, 10, ("digital",), ("collaboration", "changes")),
    ("Elevdata og databeskyttelse", "Kortlægning af elevdata, databehandleraftaler og "
     "sletning i skolens systemer.", ProjectPhase.CLOSED, "BU", "300000", "0",
     "Skoleområdets it-budget", -24, 9, ("sikkerhed", "skole"), ("school", "changes")),
    ("Velfærdsteknologi på plejecentrene", "Sensorer og skærmbesøg på to plejecentre som "
     "pilot for hele kommunen.", ProjectPhase.ANALYSIS, "SS", "1400000", "260000",
     "Velfærdsteknologipuljen", 3, 18, ("velfaerd",), None),
    ("Digital post og fjernprint", "Al udgående post via Digital Post og fjernprint; "
     "papirbreve kun undtagelsesvis.", ProjectPhase.IMPLEMENTED, "BD", "200000", "40000",
     "Borgerservice", -16, 6, ("selvbetjening",), ("citizen_service", "changes")),
    ("Konsolidering af sagssystemer på børneområdet", "To sagssystemer på børne- og "
     "familieområdet samles i ét.", ProjectPhase.IDEA, "BU", "2300000", "400000",
     "Ikke afklaret", 12, 24, ("faerre",), ("children", "retires")),
    ("Ledelsesinformation på beskæftigelsesområdet", "Dashboards for ledighed, "
     "forløbstider og indsatser.", ProjectPhase.DECIDED, "BE", "400000", "90000",
     "Beskæftigelsesområdets budget", 1, 8, ("data", "beskaeftigelse"), ("bi", "changes")),
    ("Udbud af driftsaftale for datacenter", "Genudbud af drift og hosting med krav om "
     "grøn strøm og exit-plan.", ProjectPhase.ANALYSIS, "BD", "0", "3400000",
     "It-driftsbudgettet", 2, 20, ("kontraktstyring", "groen"), ("infrastructure", "changes")),
    ("Digital vagtplan i ældreplejen", "Vagtplanlægning og fravær i ét system med app "
     "til medarbejderne.", ProjectPhase.IN_PROGRESS, "SS", "750000", "190000",
     "Social og Sundhed", -4, 10, ("velfaerd",), ("payroll_hr", "changes")),
)

# Nabo Kommune is smaller: the first goals and every third project.
NABO_GOALS = 6
NABO_PROJECT_STEP = 3

STATUS_TEXTS = {
    "green": "Projektet følger planen. Næste milepæl er aftalt med leverandøren.",
    "yellow": "Leverandøren er forsinket med en delleverance; vi har aftalt en ny plan.",
    "red": "Budgettet er overskredet, og styregruppen skal tage stilling til omfanget.",
}
# Phases with status reports, and how many months of them.
REPORT_MONTHS = {
    ProjectPhase.DECIDED: 1, ProjectPhase.IN_PROGRESS: 4, ProjectPhase.IMPLEMENTED: 3,
    ProjectPhase.CLOSED: 2, ProjectPhase.STOPPED: 2,
}
LIGHTS = ("green", "green", "green", "yellow", "yellow", "red")


def seed_governance(seeder) -> None:
    """Goals, projects and status reports for the organisation `seeder` (demo/seed.py's
    OrgSeeder) has built: its forvaltninger, persons, usages and contracts."""
    organisation, today = seeder.organisation, seeder.today
    small = seeder.plan.slug != "demo"
    goals = _seed_goals(seeder, GOALS[:NABO_GOALS] if small else GOALS)
    projects = PROJECTS[::NABO_PROJECT_STEP] if small else PROJECTS
    existing = {p.name: p for p in Project.objects.filter(organisation=organisation)}
    usages_by_type = {}
    for usage in seeder.usages:
        usages_by_type.setdefault(usage.system.business_type, []).append(usage)
    main_contracts = dict(
        ContractCoverage.objects.filter(organisation=organisation, is_main=True)
        .values_list("usage_id", "contract_id")
    )
    contracts = {contract.pk: contract for contract in seeder.contracts}
    for index, row in enumerate(projects):
        (name, purpose, phase, unit_code, investment, operating, financing, start, months,
         goal_keys, system) = row
        project = existing.get(name)
        if project is None:
            project = _create_project(
                seeder, index, name=name, purpose=purpose, phase=phase,
                unit_code=unit_code, investment=investment, operating=operating,
                financing=financing, start=add_months(today, start), months=months,
                goals=[goals[key] for key in goal_keys if key in goals], system=system,
                usages_by_type=usages_by_type, main_contracts=main_contracts,
                contracts=contracts,
            )
        _seed_reports(seeder, project, index)
        _seed_benefits(seeder, project, index, goals)
    seed_steering_groups(seeder)
    seed_principles(seeder)
    # New-system requests last: they are reviewed against the principles, and their
    # decisions are made by the steering groups.
    from demo.governance_requests import seed_requests

    seed_requests(seeder)


def _seed_goals(seeder, rows) -> dict[str, StrategicGoal]:
    organisation = seeder.organisation
    existing = {g.title: g for g in StrategicGoal.objects.filter(organisation=organisation)}
    goals = {}
    for key, title, description, unit_code, parent, offset, years in rows:
        goal = existing.get(title)
        if goal is None:
            year = seeder.today.year + offset - 1
            goal = goal_create(
                actor=SYSTEM, organisation=organisation, title=title,
                description=description, start_year=year, end_year=year + years - 1,
                unit=seeder.forvaltninger.get(unit_code) if unit_code else None,
                parent=goals.get(parent), owner=_person(seeder, ("goal", key)),
            )
        goals[key] = goal
    return goals


def _person(seeder, key):
    return seeder.rng_for("governance", *key).choice(seeder.persons)


def _create_project(seeder, index, *, name, unit_code, investment, operating, start, months,
                    system, usages_by_type, main_contracts, contracts, **fields) -> Project:
    systems, project_contracts = [], []
    if system is not None:
        business_type, effect = system
        candidates = usages_by_type.get(business_type, [])
        if candidates:
            usage = seeder.rng_for("governance", "usage", name).choice(candidates)
            systems.append((usage, effect))
            contract = contracts.get(main_contracts.get(usage.pk))
            if contract is not None:
                contract_effect = {"retires": "ends", "introduces": "creates"}.get(
                    effect, "changes")
                project_contracts.append((contract, contract_effect))
    unit = seeder.forvaltninger.get(unit_code)
    return project_create(
        actor=SYSTEM, organisation=seeder.organisation, name=name,
        responsible_unit=unit, units=[unit] if unit else [],
        owner=_person(seeder, ("owner", index)), manager=_person(seeder, ("manager", index)),
        investment=Decimal(investment), yearly_operating_cost=Decimal(operating),
        start_date=start, end_date=add_months(start, months), systems=systems,
        contracts=project_contracts, **fields,
    )


def _seed_reports(seeder, project: Project, index: int) -> None:
    months = REPORT_MONTHS.get(project.phase, 0)
    if not months:
        return
    have = set(ProjectStatusReport.objects.filter(project=project)
               .values_list("period", flat=True))
    rng = seeder.rng_for("governance", "reports", project.name)
    first_of_month = seeder.today.replace(day=1)
    # Ended projects reported until they ended; running ones until this month.
    last = min(first_of_month, project.end_date.replace(day=1)) if project.end_date and \
        project.phase in (ProjectPhase.CLOSED, ProjectPhase.STOPPED, ProjectPhase.IMPLEMENTED) \
        else first_of_month
    for back in range(months - 1, -1, -1):
        period = add_months(last, -back)
        if period in have:
            continue
        lights = {name: rng.choice(LIGHTS) for name in ("time", "cost", "scope", "benefits")}
        worst = "red" if "red" in lights.values() else (
            "yellow" if "yellow" in lights.values() else "green")
        status_report_create(
            actor=SYSTEM, project=project, period=period, text=STATUS_TEXTS[worst],
            reported_by=project.manager, **lights,
        )


# -- benefits ------------------------------------------------------------------------------

# (title, kind, measure, unit of measure, baseline, target, goal key or None)
BENEFITS = (
    ("Sparet licens og drift", "economic", "Årlige udgifter til licenser og drift ifølge "
     "økonomisystemet", "kr.", "0", "450000", "faerre"),
    ("Færre manuelle sagsskridt", "time", "Medarbejdertimer pr. måned brugt på manuel "
     "journalisering og opfølgning", "timer/md.", "620", "380", "digital"),
    ("Flere digitale henvendelser", "quality", "Andel af henvendelserne, der løses ved "
     "selvbetjening", "%", "42", "80", "selvbetjening"),
    ("Kortere sagsbehandlingstid", "time", "Gennemsnitlig sagsbehandlingstid fra "
     "ansøgning til afgørelse", "dage", "28", "14", "beskaeftigelse"),
    ("Lavere udgifter til porto og print", "economic", "Udgifter til porto og print pr. "
     "år", "kr.", "0", "180000", "groen"),
    ("Højere brugertilfredshed", "quality", "Tilfredshed i den årlige brugerundersøgelse",
     "point", "3.4", "4.2", "digital"),
    ("Frigjort tid til omsorg", "time", "Timer pr. uge frigjort til borgernær omsorg",
     "timer/uge", "0", "120", "velfaerd"),
    ("Færre sikkerhedshændelser", "other", "Registrerede sikkerhedshændelser pr. kvartal",
     "hændelser", "14", "4", "sikkerhed"),
)
# How a benefit progresses towards its target (share of the way reached by its due date).
PACES = (1.1, 1.0, 1.0, 0.8, 0.55, 0.3)
# Phases whose benefits are measured (before a decision there is nothing to measure).
MEASURED_PHASES = (ProjectPhase.IN_PROGRESS, ProjectPhase.IMPLEMENTED, ProjectPhase.CLOSED)


def _seed_benefits(seeder, project: Project, index: int, goals) -> None:
    """Two or three benefits per project, due after the project ends; measured quarterly
    from the project's start, some realised, some behind, and some past their due date
    without any measurement (stopped projects, and every seventh benefit)."""
    rng = seeder.rng_for("governance", "benefits", project.name)
    existing = set(Benefit.objects.filter(project=project).values_list("title", flat=True))
    count = 2 + index % 2
    for number in range(count):
        title, kind, measure, unit, baseline, target, goal = BENEFITS[
            (index * 3 + number) % len(BENEFITS)]
        if title in existing:
            continue
        end = project.end_date or add_months(seeder.today, 12)
        due = add_months(end, 6 + 6 * number)
        if (index + number) % 7 == 0:
            due = add_months(seeder.today, -2 - number)  # overdue, never measured
        benefit = benefit_create(
            actor=SYSTEM, project=project, title=title, kind=kind, measure=measure,
            unit_of_measure=unit, baseline=Decimal(baseline), target=Decimal(target),
            owner=project.owner or _person(seeder, ("benefit", index, number)),
            due_date=due, goals=[goals[goal]] if goal in goals else [],
        )
        # A midway measurement point half a year before the final due date.
        due_date_create(
            actor=SYSTEM, benefit=benefit, date=add_months(due, -6),
            expected_value=(Decimal(baseline) + Decimal(target)) / 2, note="Midtvejsmåling",
        )
        if project.phase not in MEASURED_PHASES or (index + number) % 7 == 0:
            continue
        _seed_measurements(seeder, project, benefit, rng.choice(PACES))


def _seed_measurements(seeder, project: Project, benefit, pace: float) -> None:
    start = project.start_date or add_months(seeder.today, -12)
    span = max((benefit.due_date - start).days, 1)
    baseline = benefit.baseline or Decimal(0)
    day = add_months(start, 3)
    while day <= seeder.today:
        progress = min((day - start).days / span, 1.0) * pace
        value = baseline + (benefit.target - baseline) * Decimal(str(round(progress, 3)))
        measurement_create(
            actor=SYSTEM, benefit=benefit, measured_on=day, value=value.quantize(
                Decimal("0.01")), measured_by=benefit.owner,
            note="Kvartalsvis opgørelse",
        )
        day = add_months(day, 3)


# -- steering groups, meetings and decisions ------------------------------------------------

DIGITAL_GROUP = "Den Digitale Styregruppe"
DIGITAL_MANDATE = (
    "Den Digitale Styregruppe beslutter igangsættelse, prioritering og afslutning af "
    "it-projekter og -investeringer på tværs af kommunen. Styregruppens beslutninger er "
    "bindende for forvaltningerne. Styregruppen følger op på gevinsterne og tager stilling "
    "til kontrakter, før fristen for opsigelse udløber."
)
UNIT_MANDATE = (
    "It-styregruppen prioriterer forvaltningens it-projekter og systemer inden for "
    "rammerne fra Den Digitale Styregruppe og indstiller større investeringer til den."
)
# What the group decides on a project in each phase (outcome, title, rationale).
PROJECT_DECISIONS = {
    ProjectPhase.IDEA: ("noted", "Idéen tages til efterretning",
                        "Projektforslaget beskrives nærmere med business case."),
    ProjectPhase.ANALYSIS: ("postponed", "Beslutning om igangsættelse udsat",
                            "Analysen skal først belyse gevinster og driftsudgifter."),
    ProjectPhase.DECIDED: ("approved", "Projektet igangsættes",
                           "Business casen er positiv, og projektet understøtter målene."),
    ProjectPhase.IN_PROGRESS: ("approved", "Projektet igangsættes",
                               "Business casen er positiv, og finansieringen er på plads."),
    ProjectPhase.IMPLEMENTED: ("approved", "Projektet godkendt til drift",
                               "Løsningen er leveret og overdraget til driften."),
    ProjectPhase.CLOSED: ("approved", "Projektet afsluttes",
                          "Afslutningsrapporten er godkendt; gevinsterne følges i driften."),
    ProjectPhase.STOPPED: ("rejected", "Projektet stoppes",
                           "Gevinsterne står ikke mål med udgifterne."),
}
CONTRACT_DECISIONS = (
    ("approved", "Kontrakten forlænges med en option",
     "Løsningen fungerer, og et genudbud nu ville ikke give en bedre pris."),
    ("approved", "Genudbud igangsættes", "Kontrakten udløber; markedet er modent."),
    ("postponed", "Beslutning om opsigelse udsat", "Afventer analyse af alternativer."),
)
FREE_DECISIONS = (
    ("approved", "Principper for it-arkitektur vedtaget",
     "Nye systemer skal følge Fælleskommunal Rammearkitektur."),
    ("approved", "Alle it-kontrakter skal have en kontraktejer",
     "Kontraktejeren følger frister og leverandørens leverancer."),
    ("noted", "Orientering om informationssikkerhed taget til efterretning",
     "Kvartalsrapporten om sikkerhedshændelser."),
)
MEETINGS = 9  # past meetings, six weeks apart; one more is planned two weeks ahead


def seed_steering_groups(seeder) -> None:
    """Den Digitale Styregruppe (the whole municipality, binding for the forvaltninger)
    and one forvaltning's it-styregruppe, with members, meetings and decisions on the
    demo's projects and contracts and a few free-text ones; some follow-ups overdue."""
    from governance.models import SteeringGroup

    organisation = seeder.organisation
    if SteeringGroup.objects.filter(organisation=organisation).exists():
        return
    forvaltninger = list(seeder.forvaltninger.values())
    unit = forvaltninger[0] if forvaltninger else None
    digital = _seed_group(seeder, DIGITAL_GROUP, DIGITAL_MANDATE, None)
    groups = [digital]
    if unit is not None:
        groups.append(_seed_group(seeder, f"It-styregruppen i {unit.name}", UNIT_MANDATE,
                                  unit))
    meetings = {group.pk: _seed_meetings(seeder, group) for group in groups}
    projects = list(Project.objects.filter(organisation=organisation).order_by("name"))
    counter = 0

    def decide(group, outcome, title, rationale, **subject):
        nonlocal counter
        past = meetings[group.pk]
        meeting = past[counter % len(past)]
        follow_up = None
        if counter % 3 == 0:
            follow_up = add_months(meeting.date, 3)
        done = follow_up is not None and follow_up < seeder.today and counter % 2 == 0
        binding = (forvaltninger if group.unit_id is None else [group.unit]) \
            if outcome == "approved" else []
        decision_create(
            actor=SYSTEM, group=group, meeting=meeting, title=title, outcome=outcome,
            rationale=rationale, decided_on=meeting.date, follow_up_date=follow_up,
            follow_up_done=done, binding_units=binding, **subject,
        )
        counter += 1

    for project in projects:
        group = groups[-1] if unit is not None and project.responsible_unit_id == unit.pk \
            else digital
        outcome, title, rationale = PROJECT_DECISIONS[project.phase]
        decide(group, outcome, f"{project.name}: {title.lower()}", rationale, project=project)
    for index, contract in enumerate(seeder.contracts[:6]):
        outcome, title, rationale = CONTRACT_DECISIONS[index % len(CONTRACT_DECISIONS)]
        decide(digital, outcome, f"{contract.name}: {title.lower()}", rationale,
               contract=contract)
    for outcome, title, rationale in FREE_DECISIONS:
        decide(digital, outcome, title, rationale)


def _seed_group(seeder, name, mandate, unit):
    rng = seeder.rng_for("governance", "steering", name)
    people = rng.sample(seeder.persons, min(5, len(seeder.persons)))
    roles = ["chair", "secretary"] + ["member"] * (len(people) - 2)
    return steering_group_create(
        actor=SYSTEM, organisation=seeder.organisation, name=name, mandate=mandate,
        unit=unit, members=list(zip(people, roles, strict=False)),
    )


def _seed_meetings(seeder, group) -> list:
    """The group's meetings; returns the past ones (decisions are made there)."""
    places = ("Rådhuset, mødelokale 1", "Byrådssalen", "Teams")
    past = []
    for back in range(MEETINGS, -1, -1):
        date = seeder.today + datetime.timedelta(days=14 - 42 * back)
        meeting = meeting_create(actor=SYSTEM, group=group, date=date,
                                 place=places[back % len(places)])
        if date < seeder.today:
            past.append(meeting)
    return past


def seed_principles(seeder) -> None:
    from demo.governance_principles import seed_principles as seed

    seed(seeder)
