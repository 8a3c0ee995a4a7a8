"""Every constraint carries its own human Danish message (``violation_error_message``),
and that message is what full_clean, the portal's forms, the API and the Excel import
answer with: on the field the rule is about where there is one."""

from __future__ import annotations

import datetime
import re

import pytest
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models.constraints import BaseConstraint
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from rest_framework.test import APIClient

from contracts.models import Contract
from gdpr.models import SubProcessor
from kitos.constraints import condition_field, error_field
from kitos.excel import engine
from portfolio.models import Supplier
from roles.models import OrganisationUnit
from tests.factories import ContractFactory, SupplierFactory, UnitFactory

PROJECT_APPS = {"kitos", "roles", "portfolio", "contracts", "gdpr", "alerts", "imports"}
EXPIRY_MESSAGE = "Udløbsdatoen skal ligge efter startdatoen."
OWN_PARENT_MESSAGE = "En enhed kan ikke ligge under sig selv."
DUPLICATE_UNIT_MESSAGE = "Der findes allerede en enhed med det navn under samme overordnede enhed."
# Words of Django's default messages ("Constraint “x” is violated.", "Begrænsning “x” er
# overtrådt.", "... with this ... already exists.") and other English.
NOT_HUMAN_DANISH = re.compile(
    r"constraint|violated|begrænsning|overtrådt|already|exists|must|unique|\bthe\b", re.I
)


def project_constraints():
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS:
            for constraint in model._meta.constraints:
                if isinstance(constraint, models.CheckConstraint | models.UniqueConstraint):
                    yield model, constraint


CONSTRAINTS = list(project_constraints())


def test_the_project_has_its_constraints():
    assert len(CONSTRAINTS) >= 80


@pytest.mark.parametrize(
    ("model", "constraint"), CONSTRAINTS,
    ids=[f"{model._meta.label}.{constraint.name}" for model, constraint in CONSTRAINTS],
)
def test_every_constraint_has_a_human_danish_message(model, constraint):
    message = constraint.violation_error_message
    assert message != BaseConstraint.default_violation_error_message
    assert isinstance(message, Promise), "wrapped in gettext_lazy, so it can be translated"
    with translation.override("da"):
        text = constraint.get_violation_error_message()
    assert constraint.name not in text
    assert "_" not in text, "names no database column or constraint"
    assert not NOT_HUMAN_DANISH.search(text), text
    assert text.lstrip("»")[0].isupper() and text.endswith("."), text


@pytest.mark.parametrize(
    ("model", "constraint"),
    [(m, c) for m, c in CONSTRAINTS if isinstance(c, models.CheckConstraint)],
    ids=lambda value: getattr(value, "name", None) or value._meta.label,
)
def test_every_check_constraint_is_about_a_field_of_its_model(model, constraint):
    """The field a broken check constraint's message is shown on (forms, API, import)."""
    name = condition_field(constraint.condition)
    assert model._meta.get_field(name).concrete
    assert error_field(model, constraint, ValidationError("x")) == name


def test_the_import_engine_has_no_messages_of_its_own():
    """One rule, one place: the engine reads the constraint's message."""
    assert not hasattr(engine, "CHECK_MESSAGES")


# -- full_clean ------------------------------------------------------------------------


@pytest.mark.django_db
class TestFullClean:
    def test_expiry_before_start_is_an_error_of_the_expiry_date(self, org):
        contract = ContractFactory.build(
            organisation=org, supplier=SupplierFactory(),
            start_date=datetime.date(2026, 1, 1), expiry_date=datetime.date(2025, 12, 31),
        )
        with pytest.raises(ValidationError) as error:
            contract.full_clean()
        assert error.value.message_dict == {"expiry_date": [EXPIRY_MESSAGE]}

    def test_a_unit_that_is_its_own_parent(self, org):
        unit = UnitFactory(organisation=org)
        unit.parent, unit.path = unit, "/"  # past the tree check in clean(): the rule itself
        with pytest.raises(ValidationError) as error:
            unit.full_clean()
        assert error.value.message_dict == {"parent": [OWN_PARENT_MESSAGE]}

    def test_a_duplicate_unit_name_is_an_error_of_the_unit(self, org):
        parent = UnitFactory(organisation=org)
        UnitFactory(organisation=org, parent=parent, name="Skoler")
        duplicate = OrganisationUnit(organisation=org, parent=parent, name="Skoler")
        with pytest.raises(ValidationError) as error:
            duplicate.full_clean()
        assert error.value.message_dict == {NON_FIELD_ERRORS: [DUPLICATE_UNIT_MESSAGE]}

    def test_a_duplicate_top_unit_name(self, org):
        UnitFactory(organisation=org, name="Skoler")
        with pytest.raises(ValidationError) as error:
            OrganisationUnit(organisation=org, name="Skoler").full_clean()
        assert error.value.messages == [
            "Der findes allerede en enhed med det navn øverst i organisationen."
        ]

    def test_a_conditional_unique_rule_on_one_field_is_an_error_of_that_field(self):
        SupplierFactory(cvr="12345678")
        with pytest.raises(ValidationError) as error:
            Supplier(name="Kopi ApS", cvr="12345678", country="DK").full_clean()
        assert error.value.message_dict == {
            "cvr": ["Der findes allerede en delt leverandør med det CVR-nummer."]
        }

    def test_excluded_fields_skip_the_rule_as_before(self, org):
        contract = ContractFactory.build(
            organisation=org, supplier=SupplierFactory(),
            start_date=datetime.date(2026, 1, 1), expiry_date=datetime.date(2025, 12, 31),
        )
        contract.full_clean(exclude=["expiry_date"])


# -- the portal's forms ------------------------------------------------------------------


@pytest.mark.django_db
class TestForms:
    def test_contract_form_shows_the_message_on_the_expiry_date(self, client, org, editor):
        client.force_login(editor)
        response = client.post(reverse("contract_create"), {
            "name": "Ny kontrakt", "start_date": "2026-01-01", "expiry_date": "2025-12-31",
            "notice_months": "3", "extensions_total": "0", "extensions_used": "0",
            "lead_months": "0",
        })
        assert response.status_code == 200
        assert response.context["form"].errors["expiry_date"] == [EXPIRY_MESSAGE]
        assert EXPIRY_MESSAGE in response.content.decode()
        assert "contract_expiry_after_start" not in response.content.decode()
        assert not Contract.objects.exists()

    def test_every_error_shows_on_the_first_submit(self, client, org, editor):
        """A missing name and a wrong notice period (field errors) do not hide the
        model's own rules about the other fields until a second submit."""
        client.force_login(editor)
        response = client.post(reverse("contract_create"), {
            "name": "", "start_date": "2026-01-01", "expiry_date": "2025-12-31",
            "notice_months": "-3", "extensions_total": "0", "extensions_used": "0",
            "lead_months": "0", "yearly_cost": "-5", "acquisition_cost": "-1.000,50",
        })
        errors = response.context["form"].errors
        assert set(errors) == {
            "name", "notice_months", "expiry_date", "yearly_cost", "acquisition_cost",
        }
        assert errors["expiry_date"] == [EXPIRY_MESSAGE]
        assert errors["yearly_cost"] == ["Den årlige driftsudgift kan ikke være negativ."]
        page = response.content.decode()
        assert "Anskaffelsesprisen kan ikke være negativ." in page
        assert "constraint" not in page and "_not_negative" not in page
        assert not Contract.objects.exists()

    def test_a_rule_about_a_field_the_user_got_wrong_waits_for_it(self, client, org, editor):
        client.force_login(editor)
        response = client.post(reverse("contract_create"), {
            "name": "Ny", "start_date": "i morgen", "expiry_date": "2025-12-31",
            "notice_months": "3", "extensions_total": "0", "extensions_used": "0",
            "lead_months": "0",
        })
        errors = response.context["form"].errors
        assert set(errors) == {"start_date"}
        assert not Contract.objects.exists()

    def test_editing_shows_every_error_at_once(self, client, org, editor):
        contract = ContractFactory(
            organisation=org, start_date=datetime.date(2026, 1, 1), expiry_date=None
        )
        client.force_login(editor)
        response = client.post(reverse("contract_update", args=[contract.uuid]), {
            "name": "", "start_date": "2026-01-01", "expiry_date": "2025-06-30",
            "notice_months": "3", "extensions_total": "0", "extensions_used": "0",
            "lead_months": "0", "yearly_cost": "-1",
        })
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert {"name", "expiry_date", "yearly_cost"} <= set(errors)
        contract.refresh_from_db()
        assert contract.expiry_date is None and contract.name

    def test_unit_form_shows_a_duplicate_name(self, client, org, editor):
        parent = UnitFactory(organisation=org)
        UnitFactory(organisation=org, parent=parent, name="Skoler")
        client.force_login(editor)
        response = client.post(
            reverse("organisationunit_create"), {"name": "Skoler", "parent": parent.pk}
        )
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == [DUPLICATE_UNIT_MESSAGE]
        assert DUPLICATE_UNIT_MESSAGE in response.content.decode()
        assert OrganisationUnit.objects.filter(name="Skoler").count() == 1

    def test_unit_form_shows_a_wrong_ean_on_its_field(self, client, org, editor):
        client.force_login(editor)
        response = client.post(
            reverse("organisationunit_create"), {"name": "Ny enhed", "ean": "123"}
        )
        assert response.status_code == 200
        assert "EAN-nummeret skal have 13 cifre." in response.context["form"].errors["ean"]


# -- the API -----------------------------------------------------------------------------


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
class TestApi:
    def test_expiry_before_start(self, org, editor):
        response = api(editor).post("/api/v1/contracts/", {
            "organisation": str(org.uuid), "name": "Forkert", "start_date": "2026-01-01",
            "expiry_date": "2025-01-01",
        }, format="json")
        assert response.status_code == 400
        assert response.json()["errors"] == {"expiry_date": [EXPIRY_MESSAGE]}

    def test_every_error_in_one_answer(self, org, editor):
        response = api(editor).post("/api/v1/contracts/", {
            "organisation": str(org.uuid), "name": "", "start_date": "2026-01-01",
            "expiry_date": "2025-01-01", "yearly_cost": "-4", "extensions_used": 3,
        }, format="json")
        assert response.status_code == 400
        body = response.json()["errors"]
        assert body["expiry_date"] == [EXPIRY_MESSAGE]
        assert body["yearly_cost"] == ["Den årlige driftsudgift kan ikke være negativ."]
        assert body["extensions_used"] == ["Der kan ikke være brugt flere optioner end der er."]
        assert "name" in body
        assert "constraint" not in response.content.decode()
        assert not Contract.objects.exists()

    def test_a_patch_with_a_wrong_field_reports_the_rest_against_the_stored_object(
        self, org, editor
    ):
        contract = ContractFactory(organisation=org, start_date=datetime.date(2026, 1, 1))
        response = api(editor).patch(f"/api/v1/contracts/{contract.uuid}/", {
            "notice_months": -1, "expiry_date": "2025-01-01",
        }, format="json")
        assert response.status_code == 400
        assert response.json()["errors"]["expiry_date"] == [EXPIRY_MESSAGE]
        assert "notice_months" in response.json()["errors"]

    def test_duplicate_unit_name(self, org, editor):
        parent = UnitFactory(organisation=org)
        UnitFactory(organisation=org, parent=parent, name="Skoler")
        response = api(editor).post("/api/v1/units/", {
            "organisation": str(org.uuid), "parent": str(parent.uuid), "name": "Skoler",
        }, format="json")
        assert response.status_code == 400
        assert DUPLICATE_UNIT_MESSAGE in str(response.json())


# -- the Excel import ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("obj", "expected"), [
    # A message the engine had in its own table before: unchanged.
    (Contract(start_date=datetime.date(2026, 1, 1), expiry_date=datetime.date(2025, 1, 1)),
     [("expiry_date", EXPIRY_MESSAGE)]),
    # One it had not (it answered "Rækken overholder ikke reglen »...«"): the model's.
    (SubProcessor(country="dk"),
     [("country", "Behandlingslandet skal angives med to store bogstaver, fx DK.")]),
])
def test_import_row_errors_are_the_constraints_messages(obj, expected):
    assert engine._check_constraint_errors(obj) == expected
