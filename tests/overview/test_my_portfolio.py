"""Min side's governance part: the person's projects (owner, manager, a role on it), the
benefits they own with due/overdue markers, and the architecture reviews waiting for
them; another organisation's rows never show; a constant number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from governance.models import ArchitectureReview, NewSystemRequest, Principle, RequestSignOff
from roles.models import RoleType
from tests.factories import PersonFactory, RoleAssignmentFactory, RoleTypeFactory
from tests.governance.cases import (
    BenefitFactory,
    MeasurementFactory,
    ProjectFactory,
    StatusReportFactory,
)
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
URL = "/min-side/"


def principle(org, title):
    return Principle.objects.create(organisation=org, title=title, area="architecture",
                                    text="Tekst")


def architect_role(org):
    return RoleTypeFactory(organisation=org, code="it-arkitekt", name="Projektarkitekt",
                           applies_to="project")


def test_projects_benefits_and_reviews(client, org, other_org, editor):
    today = timezone.localdate()
    me = PersonFactory(organisation=org, user=editor, name="Mette Ejer")
    owned = ProjectFactory(organisation=org, name="Ejet projekt", owner=me)
    StatusReportFactory(project=owned, period=today - DAY, scope="red")
    ProjectFactory(organisation=org, name="Ledet projekt", manager=me)
    on_role = ProjectFactory(organisation=org, name="Rolleprojekt", phase="in_progress")
    RoleAssignmentFactory(target=on_role, person=me, role_type=architect_role(org))
    ProjectFactory(organisation=org, name="Andres projekt")
    ProjectFactory(organisation=other_org, name="Naboprojekt")

    overdue = BenefitFactory(project=owned, title="Forfalden", owner=me,
                             due_date=today - DAY)
    MeasurementFactory(benefit=overdue, value=10)
    BenefitFactory(project=owned, title="Snart", owner=me, due_date=today + 20 * DAY)
    reached = BenefitFactory(project=owned, title="Nået", owner=me, due_date=today - DAY)
    MeasurementFactory(benefit=reached, value=100_000)
    # Someone else's benefit on my project (a benefit without an owner would reach me as
    # the project's owner through the benefit reminders, alerts.sources).
    BenefitFactory(project=owned, title="Andres gevinst", due_date=today - DAY,
                   owner=PersonFactory(organisation=org, name="Anden Ejer"))

    p1, p2, p3 = (principle(org, f"Princip {n}") for n in range(3))
    request = NewSystemRequest.objects.create(organisation=org, title="Nyt ESDH",
                                              need="x", status="in_review")
    request.principles.set([p1, p2])
    ArchitectureReview.objects.create(organisation=org, principle=p1, request=request,
                                      verdict="complies", reviewed_on=today)
    RequestSignOff.objects.create(organisation=org, request=request, role="architect",
                                  person=me)
    done = NewSystemRequest.objects.create(organisation=org, title="Færdig", need="x",
                                           status="in_review")
    done.principles.set([p1])
    ArchitectureReview.objects.create(organisation=org, principle=p1, request=done,
                                      verdict="complies", reviewed_on=today)
    RequestSignOff.objects.create(organisation=org, request=done, role="architect",
                                  person=me, verdict="approved", signed_on=today)
    closed = NewSystemRequest.objects.create(organisation=org, title="Lukket", need="x",
                                             status="rejected")
    RequestSignOff.objects.create(organisation=org, request=closed, role="architect",
                                  person=me)
    origin = NewSystemRequest.objects.create(organisation=org, title="Oprindelse", need="x",
                                             status="approved", project=on_role)
    origin.principles.set([p2, p3])
    ArchitectureReview.objects.create(organisation=org, principle=p3, project=on_role,
                                      verdict="complies", reviewed_on=today)

    client.force_login(editor)
    response = client.get(URL)
    mine = response.context["page"].portfolio
    assert [(p.project.name, p.reasons, p.light) for p in mine.projects] == [
        ("Ejet projekt", ["Projektejer"], "red"),
        ("Ledet projekt", ["Projektleder"], "none"),
        ("Rolleprojekt", ["Projektarkitekt"], "none"),
    ]
    assert [(b.benefit.title, b.is_overdue, b.is_due) for b in mine.benefits] == [
        ("Forfalden", True, False), ("Snart", False, True), ("Nået", False, False),
    ]
    assert mine.benefits_needing_attention == 2
    assert [(r.subject, r.sign_off_pending, r.missing) for r in mine.reviews] == [
        (request, True, [p2]), (on_role, False, [p2]),
    ]
    html = response.content.decode()
    for text in ("Mine projekter", "Ejet projekt", "Forfalden", "forfalden",
                 "Arkitekturvurderinger til mig", "Nyt ESDH"):
        assert text in html
    for text in ("Andres projekt", "Naboprojekt", "Andres gevinst", "Lukket", "Færdig"):
        assert text not in html


def test_a_person_with_nothing_in_governance_sees_empty_sections(client, org, editor):
    PersonFactory(organisation=org, user=editor)
    client.force_login(editor)
    html = client.get(URL).content.decode()
    assert "Du ejer, leder eller har ingen rolle på nogen projekter." in html
    assert "Arkitekturvurderinger til mig" not in html


def _world(org, me, n):
    role_type = RoleType.objects.filter(organisation=org, code="it-arkitekt").first() \
        or architect_role(org)
    today = timezone.localdate()
    for _ in range(n):
        project = ProjectFactory(organisation=org, owner=me, phase="in_progress")
        StatusReportFactory(project=project)
        RoleAssignmentFactory(target=project, person=me, role_type=role_type)
        MeasurementFactory(benefit=BenefitFactory(project=project, owner=me,
                                                  due_date=today + 5 * DAY))
        item = principle(org, f"Princip {project.name}")
        request = NewSystemRequest.objects.create(organisation=org, title=project.name,
                                                  need="x", status="awaiting_decision")
        request.principles.set([item])
        RequestSignOff.objects.create(organisation=org, request=request, role="architect",
                                      person=me)
        origin = NewSystemRequest.objects.create(organisation=org, title=f"O {project.name}",
                                                 need="x", status="approved", project=project)
        origin.principles.set([item])


def test_query_count_is_the_same_for_5_and_50(client, org, editor):
    me = PersonFactory(organisation=org, user=editor)
    client.force_login(editor)
    _world(org, me, 5)
    count_queries(client, URL)
    few = count_queries(client, URL)
    _world(org, me, 45)
    assert count_queries(client, URL) == few
    assert len(client.get(URL).context["page"].portfolio.reviews) == 100
