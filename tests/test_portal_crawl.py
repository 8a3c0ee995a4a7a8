"""A crawl of every page of the portal: an editor of one organisation opens every named
route (and each object's detail, tab, form, delete, chain and export URLs) with garbage
query strings and never gets a server error; a member of another organisation gets 404
for every URL naming the first organisation's objects, read or write."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

import pytest
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from alerts.advice import advice_create
from alerts.models import AlertRule
from imports.models import ImportRun
from kitos.excel import exporter
from kitos.excel.engine import ImportReport
from kitos.lists import ListView
from portfolio.models import UsageJournalPeriod
from tests.factories import (
    AgreementFactory,
    CompetencyFactory,
    ContractFactory,
    CostLineFactory,
    CoverageFactory,
    DataAssetFactory,
    IntegrationFactory,
    InterfaceFactory,
    ItSystemFactory,
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

pytestmark = pytest.mark.django_db

# Routes outside the portal's own pages (Django's auth and admin, the API) or that need
# a secret token; they have their own tests.
SKIPPED = {
    "logout", "password_reset_confirm", "person_calendar", "api_token_revoke",
    "set_language",
    # Single sign-on (tests/sso): the IdP's redirects and posts, 404 while SSO is off.
    "oidc_authentication_init", "oidc_authentication_callback", "saml2_login", "saml2_acs",
    "saml2_metadata", "saml2_ls", "saml2_ls_post",
    # The operator's readiness check answers only its bearer token (tests/kitos/test_health).
    "readyz",
}
# POST-only routes: a GET is 405, so they are posted to instead.
POST_ONLY = {
    "switch_organisation", "person_handover", "import_run_commit", "contract_subscribe",
    "contract_unsubscribe", "calendar_token_rotate", "notification_mark_read",
    "notification_mark_all_read", "alert_rule_toggle", "alert_rule_delete", "dashboard_scope",
    "two_factor_disable", "vacancy_assign", "advice_deactivate", "advice_delete",
    "externalreference_delete", "externalreference_check",
    "newsystemrequest_submit", "newsystemrequest_withdraw", "newsystemrequest_sign",
    "connector_run", "syncrun_apply",
    "webhook_test", "webhook_enable", "webhook_secret", "webhook_resend",
}
# Each string mixes bad values for parameters of different pages (a page reads its own
# and ignores the rest); `within` is apart since a bad one ends a page early (404).
GARBAGE = (
    "",
    "?tab=findes-ikke&side=-1&fejlside=x&handling=nope&objekt=x",
    "?tab=historik&side=abc",
    "?page=abc&page_size=999999999&sort=-findes_ikke&changed_since=igaar"
    "&start_date_after=2026-13-45&end_date_before=x&organisation=x"
    "&q=%00%27%22%3Cscript%3E&lifecycle=x&has_left=x&current=maybe"
    "&min_level=nope&disciplines=x&everyone=maybe",
    "?within=ikke-en-uuid",
    "?within=00000000-0000-0000-0000-000000000000",
    "?format=xlsx&page=-1&page_size=abc&sort=&organisation=00000000-0000-0000-0000-000000000000",
)


@dataclass
class World:
    """One organisation's objects, one of each kind, linked as in real data."""

    organisation: object
    objects: dict  # route prefix -> object
    role_type: object
    import_run: object
    alert_rule: object


def build_world(organisation, user) -> World:
    unit = UnitFactory(organisation=organisation)
    person = PersonFactory(organisation=organisation, unit=unit)
    supplier = SupplierFactory(owner_organisation=organisation, is_local=True, cvr="")
    system = ItSystemFactory(owner_organisation=organisation, is_local=True,
                             rights_holder=supplier)
    usage = UsageFactory(organisation=organisation, system=system, responsible_unit=unit)
    interface = InterfaceFactory(owner_organisation=organisation, is_local=True,
                                 exposed_by=system, name="<b>Snitflade")
    interface.data_rows.create(description="<i>CPR-nummer")
    integration = IntegrationFactory(organisation=organisation, source=usage,
                                     interface=interface)
    contract = ContractFactory(organisation=organisation, supplier=supplier)
    CoverageFactory(contract=contract, usage=usage)
    cost_line = CostLineFactory(contract=contract)
    journal_period = UsageJournalPeriod.objects.create(
        usage=usage, start_date=datetime.date(2015, 1, 1), end_date=datetime.date(2019, 12, 31),
        archive_id="AVID.SA.1")
    # The organisation's own role type (the standard ones are everyone's).
    role_type = RoleTypeFactory(organisation=organisation, applies_to="system_usage")
    assignment = RoleAssignmentFactory(target=usage, person=person, role_type=role_type)
    asset = DataAssetFactory(organisation=organisation)
    activity = ProcessingActivityFactory(organisation=organisation)
    activity.usages.add(usage)
    agreement = AgreementFactory(organisation=organisation, processor=supplier)
    agreement.usages.add(usage)
    sub_processor = SubProcessorFactory(agreement=agreement, country="US")
    oversight = OversightRecordFactory(agreement=agreement)
    competency = CompetencyFactory(person=person)
    goal, project, status_report = _governance(organisation, unit, person, usage, contract)
    benefit, measurement = _benefits(project, goal, person)
    group, meeting, decision = _steering(organisation, unit, person, project)
    content = exporter.template_workbook("suppliers")
    run = ImportRun.objects.create(
        organisation=organisation, created_by=user, filename="<b>=1+1.xlsx", size=len(content),
        sha256="0" * 64, content=content, status="valid", report=ImportReport().to_json(),
    )
    rule = AlertRule.objects.create(
        organisation=organisation, kind="notice_deadline", days_before=30
    )
    objects = {
        "unit": unit, "person": person, "supplier": supplier, "system": system,
        "usage": usage, "integration": integration, "interface": interface,
        "contract": contract,
        "costline": cost_line, "usagejournalperiod": journal_period,
        "roleassignment": assignment, "dataasset": asset,
        "processingactivity": activity, "agreement": agreement,
        "subprocessor": sub_processor, "oversightrecord": oversight, "competency": competency,
        "strategicgoal": goal, "project": project, "projectstatusreport": status_report,
        "benefit": benefit, "benefitmeasurement": measurement,
        "steeringgroup": group, "meeting": meeting, "decision": decision,
        **_competences(organisation, unit, person, role_type),
    }
    objects["benefitduedate"] = _benefit_due_date(benefit)
    objects.update(_requests_and_principles(organisation, unit, person, project, usage))
    objects.update(_attestation(organisation, unit, person, usage))
    objects["advice"] = _advice(organisation, contract, user)
    objects["externalreference"] = _reference(usage)
    objects.update(_connector(organisation, user))
    objects["webhook"], objects["webhookdelivery"] = _webhook(organisation)
    # Route prefixes are model names (kitos.links.route_name).
    objects.update({obj._meta.model_name: obj for obj in list(objects.values())})
    return World(organisation, objects, role_type, run, rule)


def _connector(organisation, user) -> dict:
    """A connector of the organisation with a preview run of an uploaded file."""
    from integrations.connectors import store_file
    from integrations.models import Connector, SyncRun

    connector = Connector.objects.create(organisation=organisation, kind="fk_org")
    stored = store_file(connector=connector, actor=user, filename="<b>eksport.json",
                        content=b"{}")
    run = SyncRun.objects.create(
        organisation=organisation, connector=connector, mode="preview", status="succeeded",
        started_at=timezone.now(), finished_at=timezone.now(), source_file=stored,
        changes=[{"action": "update", "model": "roles.organisationunit", "kind": "enhed",
                  "external_uuid": str(uuid.uuid4()), "name": "<i>Skole</i>",
                  "fields": {"navn": ["<b>A</b>", "B"]}}],
        counts={"created": 0, "updated": 1, "removed": 0, "unchanged": 0, "errors": 1},
        errors=[{"object": "<Enhed>", "message": "<script>x</script>"}],
    )
    return {"connector": connector, "syncrun": run}


def _competences(organisation, unit, person, role_type) -> dict:
    """A competence target of the unit, a training plan item of the person and
    guidelines for the organisation's role type."""
    from roles.models import CompetencyTarget, RoleGuideline, TrainingPlanItem
    from tests.factories import DisciplineFactory

    discipline = DisciplineFactory(organisation=organisation)
    return {
        "competencytarget": CompetencyTarget.objects.create(
            organisation=organisation, discipline=discipline, level="skill", unit=unit,
            tier="department", note="<b>Mål"),
        "trainingplanitem": TrainingPlanItem.objects.create(
            organisation=organisation, person=person, discipline=discipline,
            target_level="skill", note="<b>Kursus"),
        "roleguideline": RoleGuideline.objects.create(
            organisation=organisation, role_type=role_type, guidelines="<script>x</script>",
            valid_from=datetime.date(2026, 1, 1)),
    }


def _governance(organisation, unit, person, usage, contract):
    """A goal, a project supporting it that retires the usage and ends the contract, and
    a status report of the project."""
    from governance.models import ProjectContract, ProjectSystem
    from tests.governance.cases import GoalFactory, ProjectFactory, StatusReportFactory

    goal = GoalFactory(organisation=organisation, unit=unit, owner=person)
    project = ProjectFactory(organisation=organisation, responsible_unit=unit, manager=person)
    project.goals.add(goal)
    ProjectSystem.objects.create(project=project, usage=usage, effect="retires")
    ProjectContract.objects.create(project=project, contract=contract, effect="ends")
    return goal, project, StatusReportFactory(project=project, reported_by=person)


def _requests_and_principles(organisation, unit, person, project, usage) -> dict:
    """A submitted new-system request (with its sign-offs), a principle and reviews of
    the project, the request and the usage against it."""
    from governance.models import ArchitectureReview, NewSystemRequest, Principle

    principle = Principle.objects.create(
        organisation=organisation, title="<b>Genbrug", area="architecture",
        text="<script>x</script>", owner=person,
    )
    request = NewSystemRequest.objects.create(
        organisation=organisation, title="<b>Nyt ESDH", need="<i>Behov", unit=unit,
        requested_by=person, status="in_review", submitted_on=datetime.date(2026, 1, 5),
    )
    request.principles.add(principle)
    for role in ("architect", "contract_manager", "procurement", "finance", "dpo"):
        request.sign_offs.create(organisation=organisation, role=role)
    review = ArchitectureReview.objects.create(
        organisation=organisation, principle=principle, project=project,
        verdict="deviation_accepted", reason="<b>Midlertidig", reviewer=person,
        reviewed_on=datetime.date(2026, 2, 1),
    )
    for subject in ({"request": request}, {"usage": usage}):
        ArchitectureReview.objects.create(
            organisation=organisation, principle=principle, verdict="complies",
            reviewed_on=datetime.date(2026, 2, 1), **subject,
        )
    return {"newsystemrequest": request, "principle": principle,
            "architecturereview": review}


def _advice(organisation, contract, user):
    """A quarterly advice on the contract (the "Advis" tab and the advice's pages)."""
    from kitos.tenancy import SYSTEM

    return advice_create(
        actor=SYSTEM, target=contract, subject="Husk budgetopfølgning",
        repetition="quarterly", alarm_at=datetime.datetime(2030, 1, 15, 9, tzinfo=datetime.UTC),
        to_emails=["ejer@demo.dk"],
    )


def _attestation(organisation, unit, person, usage) -> dict:
    """An open attestation campaign with the usage's attestation, asked of the person."""
    from landscape.models import Attestation, AttestationCampaign

    campaign = AttestationCampaign.objects.create(
        organisation=organisation, title="<b>Attestering 2026", year=2026,
        opens_on=datetime.date(2026, 1, 5), due_on=datetime.date(2026, 2, 1), status="open",
    )
    attestation = Attestation.objects.create(
        organisation=organisation, campaign=campaign, usage=usage, unit=unit, owner=person,
    )
    return {"attestationcampaign": campaign, "attestation": attestation}


def _benefit_due_date(benefit):
    from governance.models import BenefitDueDate

    return BenefitDueDate.objects.create(
        organisation=benefit.organisation, benefit=benefit,
        date=datetime.date(2027, 3, 1), note="<b>Midtvejs</b>",
    )


def _benefits(project, goal, person):
    """A benefit of the project serving the goal, with a measurement."""
    from tests.governance.cases import BenefitFactory, MeasurementFactory

    benefit = BenefitFactory(project=project, owner=person, measure="<b>Sager pr. dag</b>",
                             due_date=datetime.date(2026, 12, 31))
    benefit.goals.add(goal)
    return benefit, MeasurementFactory(benefit=benefit, measured_by=person)


def _steering(organisation, unit, person, project):
    """A steering group of the unit with the person as chair, a meeting and a decision
    on the project, binding for the unit."""
    import datetime

    from governance.models import Decision, Meeting, SteeringGroup, SteeringGroupMember

    group = SteeringGroup.objects.create(organisation=organisation, name="<b>Styregruppe",
                                         mandate="<i>Bindende</i>", unit=unit)
    SteeringGroupMember.objects.create(group=group, person=person, role="chair")
    meeting = Meeting.objects.create(organisation=organisation, group=group,
                                     date=datetime.date(2025, 3, 1), place="<b>Rådhus")
    decision = Decision.objects.create(
        organisation=organisation, group=group, meeting=meeting, project=project,
        title="<b>Go", outcome="approved", decided_on=datetime.date(2025, 3, 1),
        follow_up_date=datetime.date(2025, 4, 1),
    )
    decision.binding_units.add(unit)
    return group, meeting, decision


def portal_routes():
    """(name, converter names) of every named route outside the admin and the API."""

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern) in ("admin/", "api/"):
                    continue
                yield from walk(pattern.url_patterns)
            elif pattern.name and pattern.name not in SKIPPED:
                yield pattern.name, tuple(pattern.pattern.converters)

    return sorted(set(walk(get_resolver().url_patterns)))


def _webhook(organisation):
    """A webhook switched off (nothing is sent during the crawl) with a given-up
    delivery in its log."""
    from django.utils import timezone

    from webhooks.models import WebhookDelivery, WebhookSubscription

    subscription = WebhookSubscription.objects.create(
        organisation=organisation, name="<b>Modtager", url="https://hooks.example.invalid/x",
        secret="s", is_active=False, disabled_reason="<i>Slået fra",
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event_type="ping", occurred_at=timezone.now(),
        status="given_up", attempts=6, last_status_code=500, body='{"type": "ping"}',
    )
    return subscription, delivery


def _reference(usage):
    """A dead external reference on the usage (its "Referencer" tab, the dead links)."""
    from django.utils import timezone

    from kitos.tenancy import SYSTEM
    from references.services import reference_create

    reference = reference_create(
        actor=SYSTEM, target=usage, title="<b>Driftsaftale",
        url="https://esdh.example.dk/sag/1?titel=a%3Cb%3E", external_id="<i>S-1",
    )
    type(reference).objects.filter(pk=reference.pk).update(
        check_status="broken", http_status=404, dead_since=timezone.now())
    return reference


def urls_for(world: World, name: str, params: tuple[str, ...]) -> list[str]:
    """The URLs of route `name` for the world's objects ([] when it takes kwargs the
    world has nothing for)."""
    objects = world.objects
    if not params:
        return [reverse(name)]
    if params == ("slug",):
        return [reverse(name, args=[world.organisation.slug])]
    if params == ("slug", "key"):
        return [reverse(name, args=[world.organisation.slug, "sensitive-without-dpia"])]
    if params == ("slug", "kind"):  # an option list (kitos.options)
        return [reverse(name, args=[world.organisation.slug, kind])
                for kind in ("agreement_element", "findes-ikke")]
    if params == ("slug", "uuid"):  # the organisation's own objects (connectors, runs)
        prefix = name.rpartition("_")[0]
        return [reverse(name, args=[world.organisation.slug, objects[prefix].uuid])]
    if params == ("slug", "pk"):
        return [reverse(name, args=[world.organisation.slug, world.alert_rule.pk])]
    if params == ("number",):
        return [reverse(name, args=["00.01"]), reverse(name, args=["findes-ikke"])]
    if params == ("entity",):
        return [reverse(name, args=["suppliers"]), reverse(name, args=["nope"])]
    if params == ("pk",):
        return [reverse(name, args=[987654])]
    if params == ("kind",):  # the pickers' search (kitos/pickers.py)
        return [reverse(name, args=[kind]) for kind in ("enheder", "personer", "findes-ikke")]
    if params == ("kind", "uuid"):
        return [reverse(name, args=["system_usage", objects["usage"].uuid]),
                reverse(name, args=["contract", objects["contract"].uuid]),
                reverse(name, args=["findes-ikke", objects["usage"].uuid])]
    if params == ("slug", "uuid"):  # a webhook of the organisation
        return [reverse(name, args=[world.organisation.slug, objects["webhook"].uuid])]
    if params == ("slug", "uuid", "delivery"):
        return [reverse(name, args=[world.organisation.slug, objects["webhook"].uuid,
                                    objects["webhookdelivery"].uuid])]
    assert params == ("uuid",), (name, params)
    by_route = {
        "role_candidates": world.role_type,
        "roleguideline_create": world.role_type,
        "person_responsibilities": objects["person"],
        "person_handover": objects["person"],
        "calendar_token_rotate": objects["person"],
        "contract_subscribe": objects["contract"],
        "contract_unsubscribe": objects["contract"],
        "costline_create": objects["contract"],
        "usagejournalperiod_create": objects["usage"],
        "competency_create": objects["person"],
        "subprocessor_create": objects["agreement"],
        "oversightrecord_create": objects["agreement"],
        "deadlinedecision_create": objects["contract"],
        "projectstatusreport_create": objects["project"],
        "benefitmeasurement_create": objects["benefit"],
        "benefitduedate_create": objects["benefit"],
        "principle_new_version": objects["principle"],
        "benefit_diagram": objects["project"],
        "meeting_create": objects["steeringgroup"],
        "contract_chain": objects["contract"],
        "usage_chain": objects["usage"],
        "activity_chain": objects["processingactivity"],
        "impact_usage": objects["usage"],
        "impact_supplier": objects["supplier"],
        "impact_contract": objects["contract"],
        "import_run_detail": world.import_run,
        "import_run_status": world.import_run,
        "import_run_commit": world.import_run,
        "import_run_marked": world.import_run,
        "supplier_dependence_detail": objects["supplier"],
    }
    if name in by_route:
        return [reverse(name, args=[by_route[name].uuid])]
    prefix = name.rpartition("_")[0]
    assert prefix in objects, f"the crawl does not know the route {name}"
    return [reverse(name, args=[objects[prefix].uuid])]


# Routes named by a uuid or the organisation's slug whose pages belong to the world's
# organisation (the rest are shared: KLE, templates, the user's own pages).
def is_organisation_url(name: str, params: tuple[str, ...]) -> bool:
    return bool({"uuid", "slug"} & set(params)) and name != "import_template_entity"


@pytest.fixture
def worlds(org, other_org, editor, outsider):
    return build_world(org, editor), build_world(other_org, outsider)


def test_an_editor_never_gets_a_server_error(client, editor, worlds, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    own, other = worlds
    PersonFactory(organisation=own.organisation, user=editor)
    client.force_login(editor)
    failures = []
    for name, params in portal_routes():
        for url in urls_for(own, name, params):
            if name in POST_ONLY:
                for data in ({}, {"organisation": "x", "next": "//evil.example/",
                                  "action": "apply", "on": "igår"}):
                    response = client.post(url, data)
                    if response.status_code >= 500:
                        failures.append(("POST", url, data, response.status_code))
                continue
            for query in GARBAGE:
                headers = {"HX-Request": "true", "HX-Target": "detail-tabs"} if (
                    query == "?tab=historik&side=abc") else {}
                response = client.get(url + query, headers=headers)
                if response.status_code >= 500:
                    failures.append(("GET", url + query, response.status_code))
            if name.endswith(("_create", "_update")) or name in ("register_adopt",):
                response = client.post(url, {"organisation": other.organisation.slug})
                if response.status_code >= 500:
                    failures.append(("POST", url, response.status_code))
    assert failures == [], "\n".join(map(str, failures))


def test_another_organisations_objects_are_404_everywhere(client, outsider, worlds):
    own, _other = worlds
    client.force_login(outsider)
    leaks = []
    for name, params in portal_routes():
        if not is_organisation_url(name, params):
            continue
        for url in urls_for(own, name, params):
            if name not in POST_ONLY:
                for query in ("", "?tab=historik", "?tab=roller", "?format=xlsx"):
                    status = client.get(url + query).status_code
                    if status != 404:
                        leaks.append(("GET", url + query, status))
            if name in POST_ONLY or "_" in name and name.rsplit("_", 1)[1] in (
                "update", "delete", "create", "adopt"
            ) or name in ("register_adopt", "import_start"):
                status = client.post(url, {"action": "apply"}).status_code
                if status != 404:
                    leaks.append(("POST", url, status))
    assert leaks == [], "\n".join(map(str, leaks))


def test_garbage_uuids_are_404(client, editor, worlds):
    client.force_login(editor)
    missing = uuid.uuid4()
    for name, params in portal_routes():
        if params != ("uuid",):
            continue
        url = reverse(name, args=[missing])
        status = client.post(url).status_code if name in POST_ONLY else client.get(url).status_code
        assert status == 404, (url, status)


def test_anonymous_is_sent_to_log_in(client, worlds):
    own, _other = worlds
    public = {"login", "healthz", "password_reset", "password_reset_done",
              "password_reset_complete", "import_template", "import_template_entity"}
    for name, params in portal_routes():
        if name in public:
            continue
        for url in urls_for(own, name, params):
            response = client.post(url) if name in POST_ONLY else client.get(url)
            assert response.status_code == 302, (url, response.status_code)
            assert "/konto/log-ind/" in response.url, url


def test_a_run_whose_user_was_deleted_still_shows(client, editor, worlds):
    own, _other = worlds
    ImportRun.objects.filter(pk=own.import_run.pk).update(created_by=None)
    client.force_login(editor)
    assert client.get(reverse("import_run_detail", args=[own.import_run.uuid])).status_code == 200


# Writes a reader may make: their own alerts, calendar address and contract subscriptions.
READER_MAY_POST = {
    "switch_organisation", "contract_subscribe", "contract_unsubscribe",
    "calendar_token_rotate", "notification_mark_read", "notification_mark_all_read",
}


def is_write(name: str) -> bool:
    return name.endswith(("_create", "_update", "_delete", "_toggle")) or name in (
        "register_adopt", "person_handover", "import_run_commit", "import_start",
    )


def test_a_reader_is_refused_every_write(client, reader, worlds):
    own, _other = worlds
    client.force_login(reader)
    allowed = []
    for name, params in portal_routes():
        if not is_write(name) or name in READER_MAY_POST:
            continue
        for url in urls_for(own, name, params):
            if "findes-ikke" in url:
                continue
            responses = [("POST", client.post(url, {"action": "apply", "number": "00.01"}))]
            if name not in POST_ONLY and name != "register_adopt":  # the adopt page reads
                responses.append(("GET", client.get(url)))
            for method, response in responses:
                if response.status_code != 403:
                    allowed.append((method, url, response.status_code))
    assert allowed == [], "\n".join(map(str, allowed))


def test_an_editor_deleting_everything_never_gets_a_server_error(client, editor, worlds):
    """Objects still in use (a person holding a role, a supplier with contracts) are
    refused with a message on the page, not an error."""
    own, _other = worlds
    client.force_login(editor)
    failures = []
    for name, params in portal_routes():
        if name.endswith("_delete") and params == ("uuid",):
            for url in urls_for(own, name, params):
                status = client.post(url).status_code
                if status >= 500:
                    failures.append((url, status))
    assert failures == [], failures


def test_column_choices_take_any_input(client, editor, worlds):
    client.force_login(editor)
    for name, params in portal_routes():
        url = reverse(name) if not params else None
        view = getattr(resolve(url).func, "view_class", None) if url else None
        if view is None or not issubclass(view, ListView):
            continue
        for data in ({}, {"columns": ["findes-ikke", '{"x": 1}']}, {"action": "reset"}):
            response = client.post(url + "?page=abc", data)
            assert response.status_code == 302, (url, data, response.status_code)


def test_a_superuser_without_memberships_sees_every_page(client, superuser, worlds):
    own, _other = worlds
    client.force_login(superuser)
    failures = []
    for name, params in portal_routes():
        if name in POST_ONLY:
            continue
        for url in urls_for(own, name, params):
            status = client.get(url).status_code
            # (no KLE numbers are loaded in the tests)
            if status >= 400 and name != "kle_detail" and not url.endswith(
                ("findes-ikke/", "nope.xlsx")
            ) and "/findes-ikke/" not in url:
                failures.append((url, status))
    assert failures == [], "\n".join(map(str, failures))
