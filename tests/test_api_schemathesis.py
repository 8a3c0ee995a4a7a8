"""Schemathesis against the API's own OpenAPI schema, in-process (WSGI), with a real
read-write token: no server errors, and every response matches the schema."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kitos.api.tokens import api_token_create
from tests.factories import (
    ContractFactory,
    CoverageFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

# Explicit examples and a short fuzzing run per operation keep the suite's time in
# check; the coverage phase (every boundary of every parameter) is for longer runs.
CONFIG = SchemathesisConfig.from_str(
    """
seed = 2026
[phases.coverage]
enabled = false
[phases.stateful]
enabled = false
[generation]
max-examples = 4
"""
)
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json", get_wsgi_application(), config=CONFIG
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Schemathesis calls the WSGI handler directly, which closes "old" connections at the
    start and end of each request; inside the test's transaction that would close the
    test's own connection (PostgreSQL). Django's test client avoids it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token_headers(db):
    organisation = OrganisationFactory()
    user = MembershipFactory(
        organisation=organisation, role="editor", user=UserFactory(username="schemathesis")
    ).user
    CoverageFactory(contract=ContractFactory(organisation=organisation))
    _token, key = api_token_create(actor=user, name="schemathesis", scope="read_write")
    return {"Authorization": f"Bearer {key}"}


# One set of hypothesis settings and checks for every schemathesis run in the suite
# (the whole API here, the governance routes in tests/governance/).
CONFORMANCE_SETTINGS = settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
CONFORMANCE_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@CONFORMANCE_SETTINGS
def test_api_conforms_to_its_schema(case, token_headers):
    case.call_and_validate(headers=token_headers, checks=CONFORMANCE_CHECKS)
