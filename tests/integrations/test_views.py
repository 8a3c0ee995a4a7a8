"""The connectors' pages: admins only, runs started from the page (eagerly in tests)
through the registered runner, uploaded exports kept for "apply what the preview showed",
and the schedule."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from integrations import connectors
from integrations.models import Connector, ConnectorFile, RunStatus, SyncRun
from integrations.runs import SourceError, connector_run
from kitos.tenancy import SYSTEM
from roles.models import OrganisationUnit
from roles.services import unit_create

CALLS = []


def fake_run(*, connector, mode, trigger, actor=None, content=None, today=None):
    """A connector that creates one unit named after the file it read."""
    CALLS.append((connector.pk, mode, trigger, content))
    with connector_run(connector=connector, mode=mode, trigger=trigger, actor=actor) as run:
        if content == b"bad":
            raise SourceError("Filen er ikke en eksport fra FK Organisation.")
        name = (content or b"Ukendt").decode()
        run.changes = [{"action": "create", "model": "roles.organisationunit",
                        "kind": "organisationsenhed", "external_uuid": "x", "name": name,
                        "fields": {"navn": [None, name]}}]
        run.counts["created"] = 1
        if mode == "apply":
            unit_create(actor=actor or SYSTEM, organisation=connector.organisation, name=name)
    return run


@pytest.fixture(autouse=True)
def _fake_runner(monkeypatch):
    CALLS.clear()
    monkeypatch.setitem(connectors.RUNNERS, "fk_org", "tests.integrations.test_views.fake_run")
    monkeypatch.setitem(connectors.RUNNERS, "kitos", "tests.integrations.test_views.fake_run")


@pytest.fixture
def connector(org):
    return Connector.objects.create(organisation=org, kind="fk_org", name="FK Organisation")


def _urls(connector):
    slug = connector.organisation.slug
    return {
        "list": reverse("connector_list", args=[slug]),
        "detail": reverse("connector_detail", args=[slug, connector.uuid]),
        "run": reverse("connector_run", args=[slug, connector.uuid]),
        "update": reverse("connector_update", args=[slug, connector.uuid]),
    }


def test_only_the_organisations_admins_reach_the_pages(client, connector, editor, outsider,
                                                      admin_user):
    urls = _urls(connector)
    client.force_login(editor)
    assert client.get(urls["list"]).status_code == 403
    assert client.post(urls["run"], {"mode": "apply"}).status_code == 403
    client.force_login(outsider)
    for url in urls.values():
        assert client.get(url).status_code in (404, 405)
    assert client.post(urls["run"], {"mode": "apply"}).status_code == 404
    client.force_login(admin_user)
    assert client.get(urls["list"]).status_code == 200
    assert CALLS == []


def test_admin_creates_a_connector_whose_secret_is_stored_encrypted_and_never_shown(
        client, admin_user, org):
    client.force_login(admin_user)
    url = reverse("connector_create", args=[org.slug]) + "?kind=kitos"
    page = client.get(url)
    assert page.status_code == 200 and 'value="kitos" selected' in page.content.decode()
    response = client.post(url, {
        "kind": "kitos", "name": "OS2KITOS", "base_url": "https://kitos.example",
        "username": "sync@kommune.dk", "secret": "hemmeligt-kodeord", "secret_env": "",
        "remote_organisation": "", "options": '{"page_size": 50}', "schedule": "daily"})
    connector = Connector.objects.get(organisation=org)
    assert response.status_code == 302 and response.url == _urls(connector)["detail"]
    assert connector.secret == "hemmeligt-kodeord" and connector.schedule == "daily"
    assert connector.options == {"page_size": 50}
    for url in (_urls(connector)["detail"], _urls(connector)["update"]):
        html = client.get(url).content.decode()
        assert "hemmeligt-kodeord" not in html
    # Options must be a JSON object.
    bad = client.post(_urls(connector)["update"], {
        "name": "OS2KITOS", "options": "[1, 2]", "schedule": "daily"})
    assert bad.status_code == 200 and "JSON-objekt" in bad.content.decode()
    # A second connector of the same kind is refused with the constraint's message.
    again = client.post(reverse("connector_create", args=[org.slug]), {
        "kind": "kitos", "name": "Igen", "options": "{}", "schedule": "off"})
    assert again.status_code == 200
    assert "allerede en forbindelse af den type" in again.content.decode()


def test_preview_of_an_upload_then_apply_runs_the_same_file(client, admin_user, connector,
                                                           django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    urls = _urls(connector)
    upload = SimpleUploadedFile("eksport.json", b"Skoleafdelingen")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(urls["run"], {"mode": "preview", "file": upload})
    assert response.status_code == 302
    preview = SyncRun.objects.get()
    assert preview.status == RunStatus.SUCCEEDED and preview.source_file.filename == "eksport.json"
    assert not OrganisationUnit.objects.filter(name="Skoleafdelingen").exists()
    page = client.get(reverse("syncrun_detail", args=[connector.organisation.slug, preview.uuid]))
    html = page.content.decode()
    assert "Skoleafdelingen" in html and "Udfør opdateringen" in html
    assert "1 oprettet, 0 ændret, 0 fjernet, 0 uændret, 0 fejl" in html

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("syncrun_apply", args=[connector.organisation.slug, preview.uuid]))
    applied = SyncRun.objects.exclude(pk=preview.pk).get()
    assert applied.mode == "apply" and applied.source_file_id == preview.source_file_id
    assert OrganisationUnit.objects.filter(name="Skoleafdelingen").exists()
    assert CALLS[-1][1:] == ("apply", "user", b"Skoleafdelingen")
    # An apply run cannot be applied again.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("syncrun_apply", args=[connector.organisation.slug, applied.uuid]))
    assert SyncRun.objects.count() == 2


def test_a_failed_run_shows_its_message(client, admin_user, connector,
                                        django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_urls(connector)["run"], {
            "mode": "apply", "file": SimpleUploadedFile("x.json", b"bad")})
    run = SyncRun.objects.get()
    assert run.status == RunStatus.FAILED
    html = client.get(reverse("syncrun_detail", args=[connector.organisation.slug, run.uuid]))
    assert "Filen er ikke en eksport fra FK Organisation." in html.content.decode()
    assert "Udfør opdateringen" not in html.content.decode()


def test_bad_mode_is_refused_without_a_run(client, admin_user, connector):
    client.force_login(admin_user)
    response = client.post(_urls(connector)["run"], {"mode": "drop"})
    assert response.status_code == 302 and SyncRun.objects.count() == 0


def test_only_the_newest_uploads_are_kept(connector, admin_user):
    for number in range(connectors.KEEP_FILES + 3):
        connectors.store_file(connector=connector, actor=admin_user, filename=f"{number}.json",
                              content=b"{}")
    names = list(ConnectorFile.objects.values_list("filename", flat=True))
    assert len(names) == connectors.KEEP_FILES and names[0] == f"{connectors.KEEP_FILES + 2}.json"


def test_detail_page_queries_do_not_grow_with_runs(client, admin_user, connector):
    client.force_login(admin_user)
    url = _urls(connector)["detail"]

    def add_runs(count):
        for _ in range(count):
            SyncRun.objects.create(organisation=connector.organisation, connector=connector,
                                   mode="apply", status="succeeded", started_at=timezone.now(),
                                   finished_at=timezone.now(), started_by=admin_user)

    add_runs(2)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_runs(20)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_schedule(connector, org, admin_user, django_capture_on_commit_callbacks):
    tz = timezone.get_current_timezone()
    night = datetime.datetime(2026, 12, 5, 2, 0, tzinfo=tz)
    day = datetime.datetime(2026, 12, 5, 14, 0, tzinfo=tz)
    connector.schedule = "daily"
    assert connectors.due_for_schedule(connector, None, night)
    assert not connectors.due_for_schedule(connector, None, day)
    assert not connectors.due_for_schedule(connector, night, night + datetime.timedelta(hours=1))
    assert connectors.due_for_schedule(connector, night, night + datetime.timedelta(days=1))
    connector.schedule = "hourly"
    assert connectors.due_for_schedule(connector, day, day + datetime.timedelta(hours=1))
    assert not connectors.due_for_schedule(connector, day, day + datetime.timedelta(minutes=20))
    connector.schedule = "off"
    assert not connectors.due_for_schedule(connector, None, night)

    Connector.objects.filter(pk=connector.pk).update(schedule="daily")
    with django_capture_on_commit_callbacks(execute=True):
        assert connectors.run_scheduled(now=night) == 1
    run = SyncRun.objects.get()
    assert run.trigger == "schedule" and CALLS[-1][1:] == ("apply", "schedule", None)
    SyncRun.objects.filter(pk=run.pk).update(started_at=night)
    assert connectors.run_scheduled(now=night + datetime.timedelta(hours=1)) == 0


def test_unit_created_by_the_fake_runner_is_real(org, admin_user):
    # Guard of the fake above: it writes through the same service as the connectors.
    unit = unit_create(actor=admin_user, organisation=org, name="Prøve")
    assert unit.path


def test_a_file_connector_asks_for_no_login(client, admin_user, org, connector):
    client.force_login(admin_user)
    create = client.get(reverse("connector_create", args=[org.slug]) + "?kind=fk_org")
    edit = client.get(_urls(connector)["update"])
    for response in (create, edit):
        html = response.content.decode()
        assert 'name="secret"' not in html and 'name="username"' not in html
        assert 'name="options"' in html
    response = client.post(_urls(connector)["update"], {
        "name": "FK", "base_url": "fk.json", "options": '{"root_uuid": ""}',
        "schedule": "daily", "secret": "ignored"})
    assert response.status_code == 302
    connector.refresh_from_db()
    assert connector.schedule == "daily" and connector.secret == ""


def test_a_start_while_a_run_runs_is_refused_with_a_message(client, admin_user, connector):
    SyncRun.objects.create(organisation=connector.organisation, connector=connector,
                           mode="apply", started_at=timezone.now())
    client.force_login(admin_user)
    response = client.post(_urls(connector)["run"], {"mode": "apply"}, follow=True)
    assert "Forbindelsen kører allerede" in response.content.decode()
    assert SyncRun.objects.count() == 1 and CALLS == []


def test_a_change_row_is_shown_in_the_readers_language():
    from django.utils import translation

    from integrations.views import shown_change

    row = {"action": "update", "kind": "organisationsenhed", "name": "Skoler",
           "fields": {"overordnet enhed": ["A", "B"], "broken": "x"}}
    with translation.override("en"):
        shown = shown_change(row)
    assert shown["kind"] == "organisational unit"
    assert shown["fields"] == {"parent unit": ["A", "B"]}  # a malformed field is left out
    assert shown_change("not a row") == {}
