"""The layers (README: Architecture) hold where import-linter cannot look: in the
migration graph, in the app registry's order and in what the registries are filled with.
import-linter checks the imports themselves (make lint, .ci/run)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db.migrations.loader import MigrationLoader

from kitos.excel.registry import ENTITY_KEYS, REFERENCE_SOURCES

# Bottom to top; apps on one level may not depend on each other.
LAYERS = [
    {"kitos"},
    {"roles"},
    {"portfolio"},
    {"contracts"},
    {"gdpr"},
    {"alerts", "imports", "references"},
    {"governance", "integrations", "webhooks"},
    {"landscape"},
    {"overview", "demo", "sso"},
]
LEVEL = {app: level for level, layer in enumerate(LAYERS) for app in layer}


def test_every_project_app_has_a_layer():
    # The project's own apps are the installed apps whose code lives in this repository
    # (third-party apps live in site-packages, wherever the virtualenv is).
    root = Path(settings.BASE_DIR).resolve()
    installed = {
        config.label for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(root)
        and "site-packages" not in Path(config.path).parts
    }
    assert installed == set(LEVEL)


def test_apps_are_installed_bottom_up():
    """INSTALLED_APPS lists the layers in order, so every ready() registers into a
    registry that a lower app created."""
    order = [config.label for config in apps.get_app_configs() if config.label in LEVEL]
    assert order == sorted(order, key=LEVEL.__getitem__)


def test_no_migration_depends_on_a_higher_app():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    upward = []
    for (app, name), node in graph.nodes.items():
        if app not in LEVEL:
            continue
        for dep_app, dep_name in node.dependencies:
            if dep_app in LEVEL and dep_app != app and LEVEL[dep_app] >= LEVEL[app]:
                upward.append(f"{app}.{name} -> {dep_app}.{dep_name}")
    assert upward == []


@pytest.mark.parametrize("app", sorted(LEVEL))
def test_migrations_reference_no_model_of_a_higher_app(app):
    """A foreign key in a migration points at a model of its own app or a lower one."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    higher = {label for label, level in LEVEL.items() if level > LEVEL[app]}
    found = []
    for (node_app, name), migration in graph.nodes.items():
        if node_app != app:
            continue
        for operation in migration.operations:
            for inner in getattr(operation, "operations", [operation]):
                for _field_name, field in getattr(inner, "fields", ()):
                    target = getattr(field, "remote_field", None)
                    model = getattr(target, "model", None) if target else None
                    if isinstance(model, str) and model.split(".")[0].lower() in higher:
                        found.append(f"{name}: {model}")
    assert found == []


def test_every_importable_entity_is_registered_in_dependency_order():
    assert ENTITY_KEYS == [
        "units", "persons", "suppliers", "systems", "interfaces", "usages", "integrations",
        "contracts",
        "cost_lines", "deadline_decisions", "competencies", "competency_targets", "training_plan",
        "data_assets",
        "processing_activities", "agreements", "goals", "projects", "project_status_reports",
        "benefits", "steering_groups", "decisions", "principles", "role_assignments",
    ]
    assert {source.key for source in REFERENCE_SOURCES} >= {"kle"}


@pytest.mark.django_db
def test_admin_pages_of_moved_models_redirect_to_their_new_app(client, superuser):
    client.force_login(superuser)
    response = client.get("/admin/roles/organisation/?q=demo")
    assert response.status_code == 302
    assert response["Location"] == "/admin/kitos/organisation/?q=demo"
    assert client.get(response["Location"]).status_code == 200
    response = client.get("/admin/contracts/supplier/7/change/")
    assert response["Location"] == "/admin/portfolio/supplier/7/change/"


def test_model_names_are_unique_so_route_names_can_follow_them():
    """Route names are ``<model_name>_<action>`` (kitos.links.route_name)."""
    names = [model._meta.model_name for model in apps.get_models()
             if model._meta.app_label in LEVEL]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("label", [
    "roles.OrganisationUnit", "roles.Person", "portfolio.ItSystem", "portfolio.SystemUsage",
    "portfolio.Integration", "portfolio.Supplier", "contracts.Contract", "gdpr.DataAsset",
    "gdpr.ProcessingActivity", "gdpr.DataProcessingAgreement",
])
def test_every_model_with_pages_follows_the_route_name_convention(label):
    from django.urls import reverse

    from kitos.links import route_name

    model = apps.get_model(label)
    for action in ("list", "create"):
        assert reverse(route_name(model, action))
    for action in ("detail", "update", "delete"):
        assert reverse(route_name(model, action), kwargs={"uuid": uuid.UUID(int=1)})


@pytest.mark.django_db
def test_chosen_columns_follow_a_renamed_list():
    """The columns a user chose for a list keep applying when its route is renamed: the
    data step of portfolio 0004, forwards and back. (Migrating the whole database back
    and forth took a minute and a half; .ci/upgrade-check runs the real upgrade.)"""
    from importlib import import_module
    from types import SimpleNamespace

    from django.db import connection

    from kitos.models import ListPreference
    from tests.factories import UserFactory

    (step,) = import_module("portfolio.migrations.0004_list_route_names").Migration.operations
    editor = SimpleNamespace(connection=connection)  # the step reads only its alias
    user = UserFactory()
    ListPreference.objects.create(user=user, list_key="usage_list", columns=["system"])
    step.code(apps, editor)
    assert ListPreference.objects.get(user=user).list_key == "systemusage_list"
    step.reverse_code(apps, editor)
    assert ListPreference.objects.get(user=user).list_key == "usage_list"
