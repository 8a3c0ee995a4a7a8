"""Schemathesis against the governance part of the API: every operation under the
routes the governance modules register (goals, projects, status reports, benefits,
measurements, due dates, steering groups, meetings, decisions, requests, sign-offs,
principles, reviews and any route added later) gives no server error and answers as its schema says.

The same settings and checks as tests/test_api_schemathesis.py (which covers the whole
API), on the governance operations only, with an organisation holding governance rows."""

from __future__ import annotations

import datetime
import re

import pytest

from governance.benefit_due_services import due_date_create
from governance.models import Decision, SteeringGroup, SteeringGroupMember
from governance.principle_services import principle_create, review_record
from governance.request_services import request_create, request_submit
from kitos.api.registry import ROUTES
from kitos.api.tokens import api_token_create
from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory, UserFactory
from tests.governance.cases import (
    BenefitFactory,
    GoalFactory,
    MeasurementFactory,
    StatusReportFactory,
)
from tests.test_api_schemathesis import (  # noqa: F401 - the fixture
    CONFORMANCE_CHECKS,
    CONFORMANCE_SETTINGS,
    _keep_the_test_connection,
    schema,
)

# Every route a governance module registered (goals, projects, requests, principles,
# reviews, benefit due dates ...), wherever in governance.api it is declared.
PREFIXES = sorted({prefix for prefix, viewset, _basename in ROUTES
                   if viewset.__module__.startswith("governance.")})
GOVERNANCE_PATHS = rf"^/api/v1/({'|'.join(re.escape(p) for p in PREFIXES)})/"
governance_schema = schema.include(path_regex=GOVERNANCE_PATHS)


def test_every_governance_route_is_in_the_run():
    paths = {result.ok().path for result in governance_schema.get_all_operations()}
    for prefix in PREFIXES:
        assert f"/api/v1/{prefix}/" in paths, prefix
        assert f"/api/v1/{prefix}/{{id}}/" in paths, prefix


@pytest.fixture
def token_headers(db):
    organisation = OrganisationFactory()
    user = MembershipFactory(
        organisation=organisation, role="editor", user=UserFactory(username="schemathesis")
    ).user
    goal = GoalFactory(organisation=organisation)
    report = StatusReportFactory(project__organisation=organisation)
    benefit = BenefitFactory(project=report.project)
    benefit.goals.add(goal)
    MeasurementFactory(benefit=benefit)
    group = SteeringGroup.objects.create(organisation=organisation, name="Styregruppen")
    SteeringGroupMember.objects.create(group=group,
                                       person=PersonFactory(organisation=organisation))
    Decision.objects.create(organisation=organisation, group=group, title="Go",
                            outcome="approved", decided_on="2025-03-01",
                            project=report.project)
    # A submitted request (with its five sign-offs), a principle with a review of it and
    # a benefit due date, so their operations answer with rows too.
    principle = principle_create(actor=user, organisation=organisation, title="Genbrug",
                                 area="architecture", text="Genbrug før køb.")
    request = request_create(actor=user, organisation=organisation, title="Nyt ESDH",
                             need="Sagsbehandling", principles=[principle])
    request_submit(actor=user, request=request)
    review_record(actor=user, principle=principle, subject=request, verdict="complies")
    due_date_create(actor=user, benefit=benefit, date=datetime.date(2027, 6, 1))
    _token, key = api_token_create(actor=user, name="schemathesis", scope="read_write")
    return {"Authorization": f"Bearer {key}"}


@governance_schema.parametrize()
@CONFORMANCE_SETTINGS
def test_governance_api_conforms_to_its_schema(case, token_headers):
    case.call_and_validate(headers=token_headers, checks=CONFORMANCE_CHECKS)
