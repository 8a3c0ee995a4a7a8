"""Schemathesis against the governance part of the API: every operation under the
routes the governance app registers (governance.api.views.routes: goals, projects,
status reports, benefits, measurements, steering groups, meetings, decisions and any
route added there later) gives no server error and answers as its schema says.

The same checks as tests/test_api_schemathesis.py (which covers the whole API), on the
governance operations only, with an organisation holding governance rows."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from governance.api.views import routes
from governance.models import Decision, SteeringGroup, SteeringGroupMember
from kitos.api.tokens import api_token_create
from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory, UserFactory
from tests.governance.cases import (
    BenefitFactory,
    GoalFactory,
    MeasurementFactory,
    StatusReportFactory,
)
from tests.test_api_schemathesis import _keep_the_test_connection, schema  # noqa: F401

PREFIXES = sorted({prefix for prefix, *_rest in routes})
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
    _token, key = api_token_create(actor=user, name="schemathesis", scope="read_write")
    return {"Authorization": f"Bearer {key}"}


@governance_schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_governance_api_conforms_to_its_schema(case, token_headers):
    case.call_and_validate(
        headers=token_headers,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
