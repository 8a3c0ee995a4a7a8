"""The demo's new-system requests (the buying process) for Demo Kommune and Nabo
Kommune: requests in every status, some of them for tasks a system already in use
covers (the same KLE numbers as a usage's catalog system, so the duplicate check
names it), signed off by the specialists, and decided by Den Digitale Styregruppe
(approved ones became projects). Created through the request and decision services;
an organisation that has requests is left as it is, so a re-run creates nothing.
"""

from __future__ import annotations

from decimal import Decimal

from gdpr.models import ProcessingActivity
from governance.choices import SignOffRole
from governance.models import (
    Meeting,
    NewSystemRequest,
    Principle,
    SteeringGroup,
    StrategicGoal,
)
from governance.request_services import (
    request_create,
    request_sign_off,
    request_submit,
    request_withdraw,
)
from governance.services import decision_create
from kitos.tenancy import SYSTEM

# (title, need, business type, forvaltning code, investment, yearly cost, status,
#  duplicate: whether it asks for the KLE tasks of a system already in use)
REQUESTS = (
    ("Nyt system til lokalebooking", "Borgere og foreninger skal kunne booke kommunens "
     "lokaler og haller digitalt.", "citizen_service", "KF", "350000", "60000", "approved",
     False),
    ("Digital vagtplanlægning i hjemmeplejen", "Hjemmeplejen planlægger vagter i regneark; "
     "vi har brug for et planlægningsværktøj.", "social", "SS", "900000", "150000",
     "approved", True),
    ("Ny ESDH-løsning til Teknik og Miljø", "Forvaltningen ønsker sit eget ESDH-system til "
     "byggesager.", "esdh", "TM", "1200000", "220000", "rejected", True),
    ("Chatbot til borgerservice", "Borgerservice vil besvare de hyppigste spørgsmål med en "
     "chatbot døgnet rundt.", "citizen_service", "BD", "400000", "80000",
     "awaiting_decision", False),
    ("Nyt lønsystem til vikarer", "Vikarlønninger beregnes manuelt; et system skal "
     "automatisere det.", "payroll_hr", "OP", "600000", "90000", "awaiting_decision", True),
    ("Elevplatform til specialundervisning", "Specialklasserne mangler en platform til "
     "individuelle elevplaner.", "school", "BU", "300000", "50000", "in_review", True),
    ("Ruteplanlægning til affaldsindsamling", "Skraldebilernes ruter planlægges i hånden; "
     "vi vil optimere dem digitalt.", "technical", "TM", "500000", "70000", "in_review",
     False),
    ("Kontraktstyringsværktøj", "Indkøb vil have overblik over kontrakter og frister i ét "
     "værktøj.", "economy", "OP", "250000", "40000", "draft", True),
    ("App til frivillige i ældreplejen", "Frivillige skal kunne melde sig til aktiviteter "
     "på plejecentrene.", "social", "SS", "150000", "25000", "draft", False),
    ("Ny jobportal til ledige", "Ledige skal kunne finde og søge job og tilbud i én "
     "portal.", "employment", "BE", "700000", "120000", "withdrawn", True),
)
# Nabo Kommune is smaller: every other request.
NABO_STEP = 2

DECIDED = ("approved", "rejected")
SIGNED = ("awaiting_decision", *DECIDED)


def seed_requests(seeder) -> None:
    """The requests of the organisation `seeder` (demo/seed.py's OrgSeeder) has built,
    after its goals, projects and steering groups (demo/governance_data.py)."""
    organisation = seeder.organisation
    if NewSystemRequest.objects.filter(organisation=organisation).exists():
        return
    rows = REQUESTS if seeder.plan.slug == "demo" else REQUESTS[::NABO_STEP]
    in_use = [
        usage for usage in sorted(seeder.usages, key=lambda u: u.system.name)
        if usage.lifecycle != "retired"
    ]
    kle_by_type: dict[str, list] = {}
    for usage in in_use:
        numbers = list(usage.system.kle_numbers.order_by("number")[:2])
        if numbers:
            kle_by_type.setdefault(usage.system.business_type, []).append(numbers)
    # KL's standard activities carry KLE numbers; the usages they run on do those tasks.
    activities = (
        ProcessingActivity.objects.filter(organisation=organisation)
        .prefetch_related("usages__system", "kle_numbers").order_by("name")
    )
    for activity in activities:
        numbers = sorted(activity.kle_numbers.all(), key=lambda kle: kle.number)[:2]
        for usage in activity.usages.all() if numbers else ():
            if usage.lifecycle != "retired":
                kle_by_type.setdefault(usage.system.business_type, []).append(numbers)
    any_kle = [numbers for lists in kle_by_type.values() for numbers in lists]
    goals = list(StrategicGoal.objects.filter(organisation=organisation).order_by("title"))
    # Each request is reviewed against the architecture and data principles in force.
    principles = list(
        Principle.objects.filter(organisation=organisation, area__in=("architecture", "data"))
        .current().order_by("area", "code")[:4]
    )
    group = SteeringGroup.objects.filter(organisation=organisation, unit__isnull=True).first()
    meeting = (
        Meeting.objects.filter(group=group, date__lt=seeder.today).order_by("-date").first()
        if group is not None else None
    )
    for index, (title, need, business_type, unit_code, investment, yearly, status,
                duplicate) in enumerate(rows):
        rng = seeder.rng_for("governance", "request", title)
        kle = []
        if duplicate:
            candidates = kle_by_type.get(business_type) or any_kle
            if candidates:
                kle = rng.choice(candidates)
        request = request_create(
            actor=SYSTEM, organisation=organisation, title=title, need=need,
            business_type=business_type, unit=seeder.forvaltninger.get(unit_code),
            requested_by=rng.choice(seeder.persons), expected_investment=Decimal(investment),
            expected_yearly_cost=Decimal(yearly), kle_numbers=kle,
            goals=goals[index % len(goals):index % len(goals) + 1] if goals else [],
            principles=principles,
        )
        if status in ("draft",):
            continue
        request_submit(actor=SYSTEM, request=request)
        roles = SignOffRole.values if status in SIGNED else SignOffRole.values[:2]
        for position, role in enumerate(roles):
            verdict = "conditions" if duplicate and position == 0 else "approved"
            if status == "rejected" and role == "finance":
                verdict = "objection"
            comment = {
                "conditions": "Overlapper med et system, vi allerede har; vurdér genbrug.",
                "objection": "Business casen hænger ikke sammen.",
            }.get(verdict, "")
            request_sign_off(actor=SYSTEM, request=request, role=role, verdict=verdict,
                             comment=comment, person=rng.choice(seeder.persons))
        if status == "withdrawn":
            request_withdraw(actor=SYSTEM, request=request)
        if status in DECIDED and group is not None:
            outcome = status
            decision_create(
                actor=SYSTEM, group=group, meeting=meeting, request=request,
                title=f"{title}: {'godkendt' if outcome == 'approved' else 'afvist'}",
                outcome=outcome, decided_on=meeting.date if meeting else seeder.today,
                rationale="Behovet er dokumenteret, og specialisterne har godkendt."
                if outcome == "approved"
                else "Behovet dækkes af et system, kommunen allerede anvender.",
            )
