"""The admin: every page renders, lists, pages and choices are scoped to the user's
organisations, per-object rights hold, every write goes through the audited services (and
a refused one writes nothing), and a list costs the same queries however many rows it has."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alerts.models import Advice, AlertDelivery, AlertRule, ContractSubscription
from contracts.models import Contract, ContractCoverage, CostLine, DeadlineDecision
from gdpr.models import (
    DataAsset,
    DataAssetUsage,
    DataCategory,
    DataProcessingAgreement,
    OversightRecord,
    ProcessingActivity,
    SubProcessor,
)
from imports.models import ImportRun
from integrations.models import Connector, SyncRun
from kitos import services
from kitos.admin_base import KitosModelAdmin
from kitos.audit import record_change
from kitos.models import AuditEntry, Membership, Option, Organisation
from kitos.tenancy import SYSTEM
from portfolio.models import (
    Integration,
    Interface,
    ItSystem,
    KleNumber,
    Supplier,
    SystemUsage,
    SystemUsageUnit,
)
from roles.models import (
    Competency,
    CompetencyTarget,
    Discipline,
    OrganisationUnit,
    Person,
    RoleAssignment,
    RoleGuideline,
    RoleType,
    TrainingPlanItem,
)
from tests.factories import (
    AgreementFactory,
    CompetencyFactory,
    ContractFactory,
    CostLineFactory,
    CoverageFactory,
    DataAssetFactory,
    DataCategoryFactory,
    DisciplineFactory,
    IntegrationFactory,
    InterfaceFactory,
    MembershipFactory,
    OrganisationFactory,
    OversightRecordFactory,
    PersonFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
    RoleTypeFactory,
    SubProcessorFactory,
    SupplierFactory,
    UnitFactory,
    UsageFactory,
)
from webhooks.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.django_db

APPS = ("kitos", "roles", "portfolio", "contracts", "gdpr", "alerts", "imports",
        "integrations", "webhooks")
MODELS = sorted(
    (m for m in admin.site._registry if m._meta.app_label in APPS), key=lambda m: m._meta.label
)
USERS = ("superuser", "staff_editor")

# Add pages that answer 403 by design. For everyone: KLE (maintained by its import), the
# audit log (written by the services) and the link tables (rows are added on the parent's
# page). For staff who are not superusers also organisations (a new tenant is a superuser's
# decision).
_READ_ONLY = frozenset(
    {KleNumber, AuditEntry, ImportRun, AlertDelivery, SystemUsageUnit, ContractCoverage,
     DataAssetUsage, Advice, SyncRun, WebhookSubscription, WebhookDelivery}
)
# The organisation's admins' business (a webhook's URL and log): a staff editor sees none.
ADMIN_ONLY = frozenset({WebhookSubscription, WebhookDelivery})
ADD_FORBIDDEN = {"superuser": _READ_ONLY,
                 "staff_editor": _READ_ONLY | {Organisation, Option}}
# Shared by every organisation: another organisation's staff sees them too.
SHARED = frozenset({Option})


def label(model):
    return model._meta.label


def admin_url(model, view="changelist", *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def bulk_delete(client, model, *objects):
    """Post the changelist's "delete selected" action, confirmed."""
    selected = [obj.pk for obj in objects]
    data = {"action": "delete_selected", "_selected_action": selected, "post": "yes"}
    return client.post(admin_url(model), data)


def form_data(response):
    """What "Save" would post from an admin add or change page as rendered: the main
    form's and every inline's current values, management forms included."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    return {
        form.add_prefix(name): value
        for form in forms
        for name in form.fields
        if (value := form[name].value()) is not None
    }


def staff(user):
    """`user` as admin staff with every permission of the kitos apps: what remains to
    limit them is their organisation memberships."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=APPS))
    return type(user).objects.get(pk=user.pk)  # no cached permissions


@pytest.fixture
def staff_editor(editor):
    return staff(editor)


@pytest.fixture
def staff_reader(reader):
    return staff(reader)


def populate(organisation):
    """One object of every kind the admin lists (but KLE) in `organisation`, linked the way
    the services would link them. Returns model -> object."""
    unit = UnitFactory(organisation=organisation)
    sub_unit = UnitFactory(organisation=organisation, parent=unit)
    person = PersonFactory(organisation=organisation, unit=unit)
    discipline = DisciplineFactory(organisation=organisation)
    role_type = RoleTypeFactory(organisation=organisation, discipline=discipline)
    supplier = SupplierFactory(owner_organisation=organisation, is_local=True)
    usage = UsageFactory(
        organisation=organisation,
        responsible_unit=unit,
        system__owner_organisation=organisation,
        system__is_local=True,
        system__rights_holder=supplier,
    )
    contract = ContractFactory(organisation=organisation, supplier=supplier, responsible_unit=unit)
    asset = DataAssetFactory(organisation=organisation, owning_unit=unit)
    agreement = AgreementFactory(organisation=organisation, processor=supplier, contract=contract)
    def next_days():  # populate() may run several times for one organisation
        return AlertRule.objects.filter(organisation=organisation).count() + 1

    membership = MembershipFactory(organisation=organisation, role="reader")
    webhook = WebhookSubscription.objects.create(
        organisation=organisation, url="https://hooks.example.org/kitos", secret="s",
        name=f"Webhook {WebhookSubscription.objects.filter(organisation=organisation).count()}",
    )
    audit_entry = record_change(
        actor=SYSTEM, action="create", instance=contract, changes={"name": [None, contract.name]}
    )
    return {
        Organisation: organisation,
        OrganisationUnit: unit,
        Membership: membership,
        Person: person,
        Discipline: discipline,
        RoleType: role_type,
        RoleAssignment: RoleAssignmentFactory(target=usage, person=person, role_type=role_type),
        Competency: CompetencyFactory(person=person, discipline=discipline),
        CompetencyTarget: CompetencyTarget.objects.create(
            organisation=organisation, discipline=discipline, level="skill", unit=unit
        ),
        TrainingPlanItem: TrainingPlanItem.objects.create(
            organisation=organisation, person=person, discipline=discipline,
            target_level="teacher", due_date=datetime.date(2027, 6, 30),
        ),
        RoleGuideline: RoleGuideline.objects.create(
            organisation=organisation, role_type=role_type,
            version=RoleGuideline.objects.filter(organisation=organisation).count() + 1,
            guidelines="Følg retningslinjerne.",
        ),
        ItSystem: usage.system,
        SystemUsage: usage,
        SystemUsageUnit: SystemUsageUnit.objects.create(usage=usage, unit=sub_unit),
        Integration: IntegrationFactory(
            organisation=organisation, source=usage,
            interface=InterfaceFactory(owner_organisation=organisation, is_local=True,
                                       exposed_by=usage.system),
        ),
        Interface: Interface.objects.filter(integrations__source=usage).first(),
        Supplier: supplier,
        Contract: contract,
        ContractCoverage: CoverageFactory(contract=contract, usage=usage, is_main=True),
        CostLine: CostLineFactory(contract=contract, unit=unit),
        DeadlineDecision: DeadlineDecision.objects.create(
            organisation=organisation, contract=contract, deadline=datetime.date(2027, 3, 31),
            kind="renew", decided_by=membership.user, decided_at=timezone.now(),
        ),
        DataCategory: DataCategoryFactory(organisation=organisation),
        DataAsset: asset,
        DataAssetUsage: DataAssetUsage.objects.create(asset=asset, usage=usage),
        ProcessingActivity: ProcessingActivityFactory(
            organisation=organisation, responsible_unit=unit
        ),
        DataProcessingAgreement: agreement,
        SubProcessor: SubProcessorFactory(agreement=agreement, supplier=supplier),
        OversightRecord: OversightRecordFactory(agreement=agreement),
        AuditEntry: audit_entry,
        WebhookSubscription: webhook,
        WebhookDelivery: WebhookDelivery.objects.create(
            subscription=webhook, event_type="contract.created", occurred_at=timezone.now(),
            content_type=ContentType.objects.get_for_model(contract), object_id=contract.pk,
            object_repr=str(contract), status="given_up", attempts=6, last_status_code=500,
        ),
        # Shared by every organisation (kitos.options): one per call of populate().
        # First in the changelist's order (kind, sort order): the standard lists fill
        # more than its first page.
        Option: Option.objects.create(
            kind="agreement_element", code=f"test-{Option.objects.count()}", sort_order=0,
            name=f"Testelement {Option.objects.count()}",
        ),
        ImportRun: ImportRun.objects.create(
            organisation=organisation, created_by=membership.user,
            filename="kontrakter.xlsx", size=4, content=b"PK\x03\x04",
            sha256=hashlib.sha256(b"PK\x03\x04").hexdigest(), mode="commit",
            status="committed", counts={"create": 3, "update": 1, "unchanged": 0, "error": 0},
        ),
        AlertRule: AlertRule.objects.create(
            organisation=organisation, kind="notice_deadline", days_before=next_days()
        ),
        ContractSubscription: ContractSubscription.objects.create(
            organisation=organisation, contract=contract, person=person
        ),
        AlertDelivery: AlertDelivery.objects.create(
            organisation=organisation,
            rule=AlertRule.objects.create(
                organisation=organisation, kind="notice_deadline", days_before=next_days()
            ),
            content_type=ContentType.objects.get_for_model(contract),
            object_id=contract.pk,
            object_repr=str(contract),
            deadline=datetime.date(2027, 1, 1),
            email=person.email,
            person=person,
        ),
        # One per kind and organisation: a second populate() reuses it.
        Connector: (connector := Connector.objects.get_or_create(
            organisation=organisation, kind="kitos", defaults={
                "base_url": "https://kitos.example", "username": "sync@kommune.dk",
                "secret": "s3cret"},
        )[0]),
        SyncRun: SyncRun.objects.create(
            organisation=organisation, connector=connector, mode="apply",
            status="succeeded", started_at=timezone.now(), finished_at=timezone.now(),
            counts={"created": 2, "updated": 1, "removed": 0, "unchanged": 5, "errors": 0},
        ),
        Advice: Advice.objects.create(
            organisation=organisation, content_type=ContentType.objects.get_for_model(contract),
            object_id=contract.pk, subject="Husk budgetopfølgning", repetition="quarterly",
            alarm_at=timezone.now(), next_send_at=timezone.now(),
        ),
    }


@pytest.fixture
def kle(db):
    return KleNumber.objects.create(number="15", title="Børn og unge")


@pytest.fixture
def ours(org, kle):
    return {**populate(org), KleNumber: kle}


@pytest.fixture
def theirs(other_org):
    return populate(other_org)


def test_every_admin_model_is_covered(ours):
    """A newly registered model needs an object in populate() (and, if it has no add page,
    an entry in ADD_FORBIDDEN) for the page tests below to cover it."""
    assert set(ours) == set(MODELS)
    assert {m._meta.app_label for m in MODELS} == set(APPS)


# 1. Every page renders; the add pages refused are exactly the designed ones.


@pytest.mark.parametrize("model", MODELS, ids=label)
@pytest.mark.parametrize("who", USERS)
def test_changelist_add_and_change_pages(request, client, who, model, ours, theirs, other_org):
    client.force_login(request.getfixturevalue(who))

    response = client.get(admin_url(model))
    assert response.status_code == 200
    shown = {obj.pk for obj in response.context["cl"].result_list}
    if who == "staff_editor" and model in ADMIN_ONLY:
        assert ours[model].pk not in shown
        return
    assert ours[model].pk in shown
    if who == "staff_editor" and model in theirs and model not in SHARED:
        assert theirs[model].pk not in shown
        assert other_org.name not in response.content.decode()

    expected = 403 if model in ADD_FORBIDDEN[who] else 200
    assert client.get(admin_url(model, "add")).status_code == expected
    assert client.get(admin_url(model, "change", ours[model].pk)).status_code == 200


# 2. Another organisation's objects do not exist for a staff editor.


@pytest.mark.parametrize(
    "model",
    [SystemUsage, Contract, Person, ProcessingActivity, RoleAssignment, AuditEntry, ImportRun],
    ids=label,
)
def test_other_organisations_objects_do_not_exist(client, staff_editor, theirs, model):
    obj = theirs[model]
    client.force_login(staff_editor)
    # The log has no delete page for anybody: refused (403) before the object is looked up.
    log = model in (AuditEntry, ImportRun)
    for view in ("change", "history") if log else ("change", "history", "delete"):
        response = client.get(admin_url(model, view, obj.pk), follow=True)
        assert response.redirect_chain == [(reverse("admin:index"), 302)]
        assert [str(m) for m in response.context["messages"]] == [
            f"{model._meta.verbose_name} med ID “{obj.pk}” findes ikke. "
            "Måske er objektet blevet slettet?"  # Django's "… doesn’t exist", in Danish
        ]
    before = model.objects.filter(pk=obj.pk).values().get()
    for view, data in (("change", {"name": "x"}), ("delete", {"post": "yes"})):
        response = client.post(admin_url(model, view, obj.pk), data)
        assert response.status_code == (403 if log else 302)
    bulk_delete(client, model, obj)  # not in the list, so not selected
    assert model.objects.filter(pk=obj.pk).values().get() == before
    assert not AuditEntry.objects.filter(actor=staff_editor).exists()


# 3. A reader may look but not touch.


@pytest.mark.parametrize("model", [Contract, SystemUsage, Person, CostLine], ids=label)
def test_reader_views_but_cannot_change_or_delete(client, staff_reader, ours, model):
    obj = ours[model]
    client.force_login(staff_reader)
    url = admin_url(model, "change", obj.pk)
    response = client.get(url)
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert not response.context["has_delete_permission"]

    before = model.objects.filter(pk=obj.pk).values().get()
    assert client.post(url, {"name": "Ændret"}).status_code == 403
    assert client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    response = bulk_delete(client, model, obj)
    # 403, unless Django first finds objects that protect it and lists them instead.
    assert response.status_code == 403 or response.context["protected"]
    assert model.objects.filter(pk=obj.pk).values().get() == before
    assert not AuditEntry.objects.filter(actor=staff_reader).exists()


# 4. Writes go through the services: audited, with source "admin" and the real diff.


def test_add_contract_with_inlines_is_audited(client, org, staff_editor, ours):
    client.force_login(staff_editor)
    usage = UsageFactory(organisation=org)  # not yet any contract's main usage
    data = form_data(client.get(admin_url(Contract, "add")))
    data.update(
        {
            "name": "Ny kontrakt",
            "organisation": org.pk,
            "coverage-TOTAL_FORMS": "1",
            "coverage-0-usage": usage.pk,
            "coverage-0-is_main": "on",
            "cost_lines-TOTAL_FORMS": "1",
            "cost_lines-0-year": "2025",
            "cost_lines-0-kind": "operation",
            "cost_lines-0-amount": "1234.50",
            "cost_lines-0-unit": ours[OrganisationUnit].pk,
            "cost_lines-0-audit_status": "not_audited",
        }
    )
    response = client.post(admin_url(Contract, "add"), data)
    assert response.status_code == 302, response.context["errors"]

    contract = Contract.objects.get(name="Ny kontrakt")
    assert contract.coverage.get().usage == usage
    cost_line = contract.cost_lines.get()
    entries = AuditEntry.objects.filter(actor=staff_editor).order_by("id")
    assert [(e.action, e.content_type.model, e.object_id) for e in entries] == [
        ("create", "contract", contract.pk),
        ("update", "contract", contract.pk),  # the coverage, audited on the contract
        ("create", "costline", cost_line.pk),
    ]
    assert {(e.source, e.organisation_id, e.group_id) for e in entries} == {
        ("admin", org.pk, entries[0].group_id)
    }
    assert entries[0].changes["name"] == [None, "Ny kontrakt"]
    assert entries[1].changes == {"usages": [[], [usage.pk]], "main_for": [[], [usage.pk]]}
    assert entries[2].changes["amount"] == [None, "1234.50"]


def test_change_records_before_and_after(client, staff_editor, ours):
    contract, cost_line = ours[Contract], ours[CostLine]
    integration = ours[Integration]
    old_name = contract.name
    client.force_login(staff_editor)
    url = admin_url(Contract, "change", contract.pk)
    data = form_data(client.get(url))
    data.update({"name": "Omdøbt", "integrations": [integration.pk], "cost_lines-0-amount": "99"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]

    entries = AuditEntry.objects.filter(actor=staff_editor)
    assert {(e.action, e.source) for e in entries} == {("update", "admin")}
    changes = {e.content_type.model: e.changes for e in entries}
    assert changes == {
        "contract": {"name": [old_name, "Omdøbt"], "integrations": [[], [integration.pk]]},
        "costline": {"amount": [f"{cost_line.amount:.2f}", "99.00"]},
    }


def test_using_units_inline_is_audited_and_scoped(client, org, staff_editor, ours):
    usage, linked = ours[SystemUsage], ours[SystemUsageUnit].unit
    added = UnitFactory(organisation=org)
    client.force_login(staff_editor)
    url = admin_url(SystemUsage, "change", usage.pk)
    data = form_data(client.get(url))
    data.update({"unit_links-TOTAL_FORMS": "2", "unit_links-1-unit": added.pk})
    assert client.post(url, data).status_code == 302
    entry = AuditEntry.objects.get(actor=staff_editor)
    assert (entry.action, entry.object_id, entry.source) == ("update", usage.pk, "admin")
    assert entry.changes == {"using_units": [[linked.pk], sorted([linked.pk, added.pk])]}

    # A unit the user can see (reader elsewhere) but of another organisation: a form error.
    elsewhere = OrganisationFactory()
    MembershipFactory(user=staff_editor, organisation=elsewhere, role="reader")
    foreign = UnitFactory(organisation=elsewhere)
    data = form_data(client.get(url))
    data.update({"unit_links-TOTAL_FORMS": "3", "unit_links-2-unit": foreign.pk})
    response = client.post(url, data)
    assert response.status_code == 200
    inline = next(inline for inline in response.context["inline_admin_formsets"]
                  if inline.formset.prefix == "unit_links")
    assert inline.formset.errors[2] == {"unit": ["Skal høre til samme organisation."]}
    assert set(usage.using_units.all()) == {linked, added}
    assert AuditEntry.objects.filter(actor=staff_editor).count() == 1


def test_choices_and_autocomplete_are_scoped(client, org, staff_editor, ours, theirs):
    elsewhere = OrganisationFactory()  # where the editor is only a reader
    MembershipFactory(user=staff_editor, organisation=elsewhere, role="reader")
    readable = SupplierFactory(owner_organisation=elsewhere, is_local=True)
    client.force_login(staff_editor)

    form = client.get(admin_url(Contract, "add")).context["adminform"].form
    assert list(form.fields["organisation"].queryset) == [org]  # editable only
    suppliers = set(form.fields["supplier"].queryset)
    assert {ours[Supplier], readable} <= suppliers and theirs[Supplier] not in suppliers
    form = client.get(admin_url(Supplier, "add")).context["adminform"].form
    assert not form.fields["owner_organisation"].queryset.exists()  # catalog: admins only

    query = {"app_label": "contracts", "model_name": "contract", "field_name": "supplier"}
    response = client.get(reverse("admin:autocomplete"), query)
    found = {int(result["id"]) for result in response.json()["results"]}
    assert {ours[Supplier].pk, readable.pk} <= found and theirs[Supplier].pk not in found

    # Moving a contract to an organisation where the editor only reads: a form error.
    url = admin_url(Contract, "change", ours[Contract].pk)
    data = {**form_data(client.get(url)), "organisation": elsewhere.pk}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "organisation" in response.context["adminform"].form.errors
    assert Contract.objects.get(pk=ours[Contract].pk).organisation == org


def test_unit_add_keeps_the_tree_path(client, org, staff_editor, ours):
    parent = ours[OrganisationUnit]
    client.force_login(staff_editor)
    data = {
        **form_data(client.get(admin_url(OrganisationUnit, "add"))),
        "organisation": org.pk,
        "name": "Admin-enhed",
        "parent": parent.pk,
    }
    assert client.post(admin_url(OrganisationUnit, "add"), data).status_code == 302
    unit = OrganisationUnit.objects.get(name="Admin-enhed")
    assert (unit.path, unit.depth) == (f"{parent.path}{unit.pk}/", parent.depth + 1)
    assert AuditEntry.objects.get(actor=staff_editor).object_id == unit.pk


def test_bulk_delete_audits_each_object(client, staff_editor, ours):
    victims = [ours[Competency], CompetencyFactory(person=ours[Person])]
    client.force_login(staff_editor)
    assert bulk_delete(client, Competency, *victims).status_code == 302
    assert not Competency.objects.filter(pk__in=[v.pk for v in victims]).exists()
    deleted = AuditEntry.objects.filter(actor=staff_editor, action="delete", source="admin")
    assert sorted(deleted.values_list("object_id", flat=True)) == sorted(v.pk for v in victims)


@pytest.mark.parametrize("model", [SystemUsageUnit, ContractCoverage, DataAssetUsage], ids=label)
def test_link_row_delete_is_audited(client, staff_editor, ours, model):
    """Deleting a link row from its own admin page goes through services.delete_link."""
    client.force_login(staff_editor)
    response = client.post(admin_url(model, "delete", ours[model].pk), {"post": "yes"})
    assert response.status_code == 302
    assert not model.objects.filter(pk=ours[model].pk).exists()
    assert AuditEntry.objects.filter(actor=staff_editor).exists()


# 5. A refused write is an error message, and everything the request wrote is undone.


def test_refused_add_shows_message_and_writes_nothing(client, staff_editor):
    client.force_login(staff_editor)
    url = admin_url(ItSystem, "add")
    data = {**form_data(client.get(url)), "name": "Nationalt system"}  # no owner: national
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == url
    assert messages_of(response) == ["Du har ikke rettigheder til at ændre dette objekt."]
    assert not ItSystem.objects.filter(name="Nationalt system").exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("how", ["delete_view", "delete_action"])
def test_refused_delete_is_rolled_back(client, staff_editor, ours, monkeypatch, how):
    def delete_then_refuse(**kwargs):
        real_delete(**kwargs)  # really deleted and audited: the rollback must undo it
        raise ValidationError("nej tak")

    # A model the admin deletes with the generic service (competencies have their own).
    real_delete = services.delete_object
    monkeypatch.setattr(services, "delete_object", delete_then_refuse)
    victim = ours[Integration]
    client.force_login(staff_editor)
    if how == "delete_view":
        url = admin_url(Integration, "delete", victim.pk)
        response = client.post(url, {"post": "yes"})
    else:
        url = admin_url(Integration)
        response = bulk_delete(client, Integration, victim)
    assert response.status_code == 302 and response.url == url
    assert messages_of(response) == ["nej tak"]
    assert Integration.objects.filter(pk=victim.pk).exists()
    assert not AuditEntry.objects.filter(actor=staff_editor).exists()
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize("model", [Supplier, OrganisationUnit, Person], ids=label)
def test_protected_delete_is_refused_without_error(client, superuser, ours, model):
    """Still in use (a contract's supplier, a unit with sub-units, a role holder)."""
    obj = ours[model]
    client.force_login(superuser)
    response = client.post(admin_url(model, "delete", obj.pk), {"post": "yes"})
    assert response.status_code == 200
    assert response.context["protected"]
    assert model.objects.filter(pk=obj.pk).exists()


# 6. No N+1: a changelist costs the same queries with 1 or 4 objects of each kind.


def _changelist_costs(client):
    costs, rows = {}, {}
    for model in MODELS:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(admin_url(model))
        assert response.status_code == 200
        costs[label(model)] = len(queries)
        rows[label(model)] = len(response.context["cl"].result_list)
    return costs, rows


@pytest.mark.parametrize("who", USERS)
def test_changelist_queries_do_not_grow_with_rows(request, client, org, kle, who):
    client.force_login(request.getfixturevalue(who))
    populate(org)
    _changelist_costs(client)  # warm up: session, content types, site caches
    few_costs, few_rows = _changelist_costs(client)
    for _ in range(3):
        populate(org)
    many_costs, many_rows = _changelist_costs(client)

    assert many_costs == few_costs
    assert (few_rows["portfolio.SystemUsage"], many_rows["portfolio.SystemUsage"]) == (2, 8)
    assert (few_rows["contracts.Contract"], many_rows["contracts.Contract"]) == (1, 4)
    grown = {name for name in few_rows if many_rows[name] > few_rows[name]}
    # A list whose first page is full already (the shared option lists) cannot grow.
    full = {name for name in few_rows if few_rows[name] >= KitosModelAdmin.list_per_page}
    # One connector per kind and organisation: populate() reuses it. A staff editor sees
    # no webhooks (ADMIN_ONLY): nothing of theirs to grow.
    hidden = {label(m) for m in ADMIN_ONLY} if who == "staff_editor" else set()
    assert grown == set(few_rows) - {
        "kitos.Organisation", "portfolio.KleNumber", "integrations.Connector"} - full - hidden


def test_import_run_page_links_to_the_run_and_its_changes(client, staff_editor, ours):
    run = ours[ImportRun]
    client.force_login(staff_editor)
    response = client.get(admin_url(ImportRun, "change", run.pk))
    html = response.content.decode()
    assert "3 oprettet, 1 ændret, 0 uændret, 0 med fejl" in html
    assert reverse("import_run_detail", args=[run.uuid]) in html
    assert f"{admin_url(AuditEntry)}?group_id={run.uuid}" in html
    assert not response.context["has_change_permission"]
    assert "PK\x03\x04" not in html  # the uploaded file is not shown
    changes = client.get(f"{admin_url(AuditEntry)}?group_id={run.uuid}")
    assert changes.status_code == 200 and list(changes.context["cl"].result_list) == []


def test_connector_page_lists_its_runs_and_never_shows_the_secret(client, superuser, ours):
    connector, run = ours[Connector], ours[SyncRun]
    client.force_login(superuser)
    html = client.get(admin_url(Connector, "change", connector.pk)).content.decode()
    assert "2 oprettet, 1 ændret, 0 fjernet, 5 uændret, 0 fejl" in html
    assert "s3cret" not in html and "fernet:" not in html
    # Saving the form with the secret left empty keeps the stored one.
    data = {
        "organisation": connector.organisation_id, "kind": "kitos", "name": "KITOS",
        "base_url": "https://kitos.example", "username": "sync@kommune.dk", "secret": "",
        "secret_env": "", "remote_organisation": "", "options": "{}", "schedule": "daily",
        "synced_until": "", "runs-TOTAL_FORMS": "0", "runs-INITIAL_FORMS": "0",
    }
    response = client.post(admin_url(Connector, "change", connector.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    connector.refresh_from_db()
    assert connector.schedule == "daily" and connector.secret == "s3cret"
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM integrations_connector WHERE id = %s",
                       [connector.pk])
        assert cursor.fetchone()[0].startswith("fernet:")
    run_page = client.get(admin_url(SyncRun, "change", run.pk)).content.decode()
    assert f"{admin_url(AuditEntry)}?group_id={run.uuid}" in run_page


def test_data_asset_usage_inline_is_written_and_audited_by_the_service(
    client, org, staff_editor, ours
):
    """The asset's usage links go through gdpr.services.data_asset_update, like the form
    and the API: each added link is audited on the asset (they were saved by Django,
    unaudited, before)."""
    asset = ours[DataAsset]
    added = UsageFactory(organisation=org)
    client.force_login(staff_editor)
    url = admin_url(DataAsset, "change", asset.pk)
    data = form_data(client.get(url))
    total = int(data["usage_links-TOTAL_FORMS"])
    data.update({
        "usage_links-TOTAL_FORMS": str(total + 1),
        f"usage_links-{total}-usage": added.pk,
        f"usage_links-{total}-use": "uses",
    })
    assert client.post(url, data).status_code == 302
    assert DataAssetUsage.objects.filter(asset=asset, usage=added, use="uses").exists()
    entries = AuditEntry.objects.filter(actor=staff_editor, object_id=asset.pk, source="admin")
    assert {"usage": added.pk, "use": "uses"} in [e.changes.get("usages", [None, None])[1]
                                                   for e in entries]
