"""The governance part of *Min side*: the person's projects, the benefits they own, and
the architecture reviews waiting for them.

Reviews to do (kept simple on purpose):
- a new-system request that is still open (kladde, til vurdering, afventer beslutning)
  on which the person holds the it-arkitekt sign-off (RequestSignOff, role *architect*):
  while that sign-off is pending, or while a principle chosen on the request has no
  ArchitectureReview of the request;
- an active project on which the person holds an it-arkitekt role (the role type
  *it-arkitekt*, or any role type in the discipline *it-arkitektur*): while a principle
  chosen on the request the project came from has no review of the project or of that
  request.

A fixed number of queries: the projects, the benefits, the requests with the person's
sign-offs and their principles (two) and the reviews of them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from governance.choices import (
    ACTIVE_PHASES,
    OPEN_REQUEST_STATUSES,
    SignOffRole,
    SignOffVerdict,
)
from governance.models import (
    ArchitectureReview,
    Benefit,
    NewSystemRequest,
    Project,
    RequestSignOff,
)
from kitos.links import object_url
from overview.dashboard import BENEFIT_DUE_DAYS, worst_light
from roles.models import RoleAssignment

ARCHITECT_ROLE_TYPE = "it-arkitekt"
ARCHITECTURE_DISCIPLINE = "it-arkitektur"


@dataclass
class MyProject:
    project: Project
    url: str | None
    reasons: list[str]
    light: str  # the worst light of its latest report (overview.dashboard.worst_light)


@dataclass
class MyBenefit:
    benefit: Benefit
    url: str | None
    is_overdue: bool  # due date passed, target not reached
    is_due: bool  # due within BENEFIT_DUE_DAYS, target not reached
    is_reached: bool


@dataclass
class ReviewToDo:
    subject: object  # a NewSystemRequest or a Project
    url: str | None
    sign_off_pending: bool = False
    missing: list = field(default_factory=list)  # principles without a review


@dataclass
class MyPortfolio:
    projects: list[MyProject]
    benefits: list[MyBenefit]
    reviews: list[ReviewToDo]
    due_days: int = BENEFIT_DUE_DAYS

    @property
    def benefits_needing_attention(self) -> int:
        return sum(1 for item in self.benefits if item.is_due or item.is_overdue)


def _project_roles(user, person, today):
    return (
        RoleAssignment.objects.visible_to(user)
        .filter(person=person, content_type=ContentType.objects.get_for_model(Project))
        .current(today)
    )


def my_projects(user, person, assignments, today) -> list[MyProject]:
    """Projects the person owns, manages or holds a role on (`assignments`: their current
    role assignments, already loaded by my_page)."""
    roles: dict[int, list[str]] = {}
    for assignment in assignments:
        if isinstance(assignment.target, Project):
            roles.setdefault(assignment.target.pk, []).append(assignment.role_type.name)
    projects = (
        Project.objects.visible_to(user)
        .filter(organisation_id=person.organisation_id)
        .filter(Q(owner=person) | Q(manager=person) | Q(pk__in=list(roles)))
        .for_list()
        .order_by("name")
    )
    result = []
    for project in projects:
        reasons = []
        if project.owner_id == person.pk:
            reasons.append(_("Projektejer"))
        if project.manager_id == person.pk:
            reasons.append(_("Projektleder"))
        reasons.extend(roles.get(project.pk, []))
        light = worst_light(project.latest_time, project.latest_cost, project.latest_scope,
                            project.latest_benefits)
        result.append(MyProject(project, object_url(project), reasons, light))
    return result


def my_benefits(user, person, today) -> list[MyBenefit]:
    soon = today + datetime.timedelta(days=BENEFIT_DUE_DAYS)
    benefits = (
        Benefit.objects.visible_to(user)
        .filter(organisation_id=person.organisation_id, owner=person)
        .for_list()
        .order_by("due_date", "title")
    )
    result = []
    for benefit in benefits:
        reached = benefit.realised_share is not None and benefit.realised_share >= 1
        due = benefit.due_date
        result.append(MyBenefit(
            benefit, object_url(benefit),
            is_overdue=bool(due and due < today and not reached),
            is_due=bool(due and today <= due <= soon and not reached),
            is_reached=reached,
        ))
    # Overdue first, then what is due, then the rest by due date.
    result.sort(key=lambda item: (not item.is_overdue, not item.is_due))
    return result


def my_reviews(user, person, today) -> list[ReviewToDo]:
    # The person's it-arkitekt sign-off of an open request, read with the request (a
    # request has one sign-off per role): its verdict, or None.
    sign_off = RequestSignOff.objects.visible_to(user).filter(
        request=OuterRef("pk"), person=person, role=SignOffRole.ARCHITECT,
        request__status__in=OPEN_REQUEST_STATUSES,
    )
    architect_roles = _project_roles(user, person, today).filter(
        Q(role_type__code=ARCHITECT_ROLE_TYPE)
        | Q(role_type__discipline__code=ARCHITECTURE_DISCIPLINE)
    ).values("object_id")
    requests = list(
        NewSystemRequest.objects.visible_to(user)
        .filter(organisation_id=person.organisation_id)
        .annotate(architect_verdict=Subquery(sign_off.values("verdict")[:1]))
        .filter(Q(architect_verdict__isnull=False)
                | Q(project__in=architect_roles, project__phase__in=ACTIVE_PHASES))
        .select_related("project")
        .prefetch_related("principles")
        .order_by("title")
    )
    if not requests:
        return []
    reviewed = set()
    for request_id, project_id, principle_id in ArchitectureReview.objects.filter(
        Q(request__in=requests)
        | Q(project__in=[r.project_id for r in requests if r.project_id])
    ).values_list("request_id", "project_id", "principle_id"):
        reviewed.add(("request", request_id, principle_id))
        reviewed.add(("project", project_id, principle_id))
    result = []
    for request in requests:
        signs_off = request.architect_verdict is not None
        missing = [
            principle for principle in request.principles.all()
            if ("request", request.pk, principle.pk) not in reviewed
            and (signs_off or ("project", request.project_id, principle.pk) not in reviewed)
        ]
        # A sign-off's request is reviewed as a request; an architect's project as
        # the project (its request's principles).
        subject = request if signs_off or request.project is None else request.project
        pending = request.architect_verdict == SignOffVerdict.PENDING
        if pending or missing:
            result.append(ReviewToDo(subject, object_url(subject), pending, missing))
    return result


def build(*, user, person, assignments, today: datetime.date) -> MyPortfolio:
    return MyPortfolio(
        projects=my_projects(user, person, assignments, today),
        benefits=my_benefits(user, person, today),
        reviews=my_reviews(user, person, today),
    )
