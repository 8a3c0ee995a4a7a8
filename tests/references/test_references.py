"""External references (issue #20): the link check's address policy against a real HTTP
server on 127.0.0.1, the weekly check writing each link's outcome, the Referencer tab's
forms, and organisation scoping (other organisations 404, readers 403)."""

from __future__ import annotations

import datetime
import http.server
import threading
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from kitos.models import AuditEntry
from kitos.safe_http import Outcome, check_url, check_urls
from references.models import CheckStatus, ExternalReference
from references.services import (
    check_links,
    reference_create,
    reference_delete,
    reference_update,
)
from tests.factories import ContractFactory, ItSystemFactory, UsageFactory

pytestmark = pytest.mark.django_db
LOOPBACK = ["127.0.0.0/8"]


class _Handler(http.server.BaseHTTPRequestHandler):
    def _answer(self):
        path = self.path
        if path == "/ok":
            self.send_response(200)
        elif path == "/head-refused":
            self.send_response(405 if self.command == "HEAD" else 200)
        elif path == "/login":
            self.send_response(401)
        elif path == "/gone":
            self.send_response(404)
        elif path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        elif path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
        elif path == "/to-metadata":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        elif path == "/slow":
            time.sleep(1.5)
            self.send_response(200)
        else:
            self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD = _answer  # noqa: N815

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class TestSafeHttp:
    def test_outcomes(self, server):
        def outcome(path, **kw):
            return check_url(server + path, timeout=1, allowed_networks=LOOPBACK, **kw)

        assert outcome("/ok").outcome == Outcome.OK
        assert outcome("/head-refused").status_code == 200  # asked again with GET
        assert outcome("/login").outcome == Outcome.OK  # behind a login, not dead
        gone = outcome("/gone")
        assert (gone.outcome, gone.status_code) == (Outcome.BROKEN, 404)
        moved = outcome("/moved")
        assert moved.outcome == Outcome.OK and moved.final_url == server + "/ok"
        assert outcome("/loop").detail == "too many redirects"
        assert outcome("/slow").outcome == Outcome.UNREACHABLE  # the timeout
        assert outcome("/error").outcome == Outcome.BROKEN

    def test_internal_addresses_and_other_schemes_are_never_requested(self, server):
        # Without permission the test server itself (loopback) is refused...
        assert check_url(server + "/ok", timeout=1).outcome == Outcome.REFUSED
        # ...and a page redirecting to another internal address is refused there.
        redirected = check_url(server + "/to-metadata", timeout=1, allowed_networks=LOOPBACK)
        assert redirected.outcome == Outcome.REFUSED
        for url in ("http://10.1.2.3/", "http://192.168.0.1/", "http://[::1]/",
                    "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://100.64.0.1/",
                    "file:///etc/passwd", "ftp://example.com/", "gopher://x/",
                    "http://user:pw@example.com/", "http:///nohost"):
            assert check_url(url, timeout=1).outcome == Outcome.REFUSED, url

    def test_unknown_host_is_unreachable(self):
        result = check_url("http://does-not-exist.invalid/", timeout=1)
        assert result.outcome == Outcome.UNREACHABLE and result.detail

    def test_each_url_once_with_bounded_concurrency(self, server):
        urls = [server + "/slow"] * 3 + [server + f"/ok?{n}" for n in range(6)]
        started = time.monotonic()
        results = check_urls(urls, concurrency=4, timeout=3, allowed_networks=LOOPBACK)
        assert len(results) == 7
        assert results[server + "/slow"].outcome == Outcome.OK
        # One slow link (1.5 s) beside six quick ones on four threads: not 3 × 1.5 s.
        assert time.monotonic() - started < 4


class TestServices:
    def test_create_update_delete_are_audited(self, org, editor):
        usage = UsageFactory(organisation=org)
        reference = reference_create(
            actor=editor, target=usage, title=" Driftsaftale ",
            url="https://esdh.example.dk/sag/42", external_id="S-2024-42",
        )
        assert reference.title == "Driftsaftale" and reference.organisation == org
        reference.check_status = CheckStatus.BROKEN
        reference.save()
        reference_update(actor=editor, reference=reference,
                         data={"url": "https://esdh.example.dk/sag/43"})
        reference.refresh_from_db()
        assert reference.check_status == CheckStatus.UNCHECKED  # a new link is checked anew
        reference_delete(actor=editor, reference=reference)
        actions = list(AuditEntry.objects.filter(object_uuid=reference.uuid)
                       .order_by("pk").values_list("action", flat=True))
        assert actions == ["create", "update", "delete"]

    def test_bad_input_is_refused_whole(self, org, editor):
        usage = UsageFactory(organisation=org)
        from django.core.exceptions import ValidationError

        for url in ("javascript:alert(1)", "ftp://x.dk/", "ikke et link", "http://" + "a" * 1000):
            with pytest.raises(ValidationError):
                reference_create(actor=editor, target=usage, title="x", url=url)
        reference_create(actor=editor, target=usage, title="x", url="https://a.dk/")
        with pytest.raises(ValidationError, match="allerede en reference med det link"):
            reference_create(actor=editor, target=usage, title="y", url="https://a.dk/")
        with pytest.raises(ValidationError):
            reference_create(actor=editor, target=usage, title="", url="https://b.dk/")
        assert ExternalReference.objects.count() == 1

    def test_reader_and_outsider_cannot_write(self, org, reader, outsider):
        from django.core.exceptions import PermissionDenied

        contract = ContractFactory(organisation=org)
        for user in (reader, outsider):
            with pytest.raises(PermissionDenied):
                reference_create(actor=user, target=contract, title="x", url="https://a.dk/")

    def test_deleting_the_object_takes_its_references(self, org, editor):
        usage = UsageFactory(organisation=org)
        reference_create(actor=editor, target=usage, title="x", url="https://a.dk/")
        usage.delete()
        assert not ExternalReference.objects.exists()


class TestCheck:
    def test_weekly_check_marks_dead_links_and_is_idempotent(self, org, editor, server,
                                                             settings):
        settings.LINK_CHECK_ALLOWED_NETWORKS = LOOPBACK
        settings.LINK_CHECK_TIMEOUT = 1
        usage, contract = UsageFactory(organisation=org), ContractFactory(organisation=org)
        ok = reference_create(actor=editor, target=usage, title="ok", url=server + "/ok")
        gone = reference_create(actor=editor, target=usage, title="gone", url=server + "/gone")
        same = reference_create(actor=editor, target=contract, title="gone", url=server + "/gone")
        now = timezone.now()
        counts = check_links(now=now)
        assert counts["urls"] == 2 and counts["broken"] == 2 and counts["ok"] == 1
        for reference in (ok, gone, same):
            reference.refresh_from_db()
        assert ok.check_status == CheckStatus.OK and ok.dead_since is None
        assert gone.check_status == CheckStatus.BROKEN and gone.http_status == 404
        assert gone.dead_since == now and gone.checked_at == now
        # The same day nothing is due; a week later the dead link keeps its first date.
        assert check_links(now=now + datetime.timedelta(hours=1))["urls"] == 0
        later = now + datetime.timedelta(days=7)
        assert check_links(now=later)["urls"] == 2
        gone.refresh_from_db()
        assert gone.dead_since == now and gone.checked_at == later
        # The check is the system's observation: no audit entries of its own.
        assert not AuditEntry.objects.filter(action="update").exists()

    def test_internal_links_are_not_checked(self, org, editor):
        usage = UsageFactory(organisation=org)
        reference = reference_create(actor=editor, target=usage, title="intranet",
                                      url="http://10.0.0.5/dpia.pdf")
        check_links()
        reference.refresh_from_db()
        assert reference.check_status == CheckStatus.REFUSED and not reference.is_dead


class TestPages:
    def test_editor_adds_a_reference_on_the_tab(self, client, org, editor):
        usage = UsageFactory(organisation=org)
        client.force_login(editor)
        tab = reverse("systemusage_detail", args=[usage.uuid]) + "?tab=referencer"
        assert "Tilføj reference" in client.get(tab).content.decode()
        url = reverse("externalreference_create", args=["system_usage", usage.uuid])
        assert client.get(url).status_code == 200
        response = client.post(url, {"title": "DPIA", "url": "https://intra.example.dk/dpia"})
        assert response.status_code == 302 and response["Location"] == tab
        reference = ExternalReference.objects.get()
        assert "DPIA" in client.get(tab).content.decode()
        edit = reverse("externalreference_update", args=[reference.uuid])
        response = client.post(edit, {"title": "DPIA 2026", "url": "ikke et link"})
        assert response.status_code == 400
        reference.refresh_from_db()
        assert reference.title == "DPIA"  # nothing saved
        client.post(reverse("externalreference_delete", args=[reference.uuid]))
        assert not ExternalReference.objects.exists()

    def test_other_organisations_get_404_and_readers_403(self, client, org, editor, reader,
                                                         outsider):
        contract = ContractFactory(organisation=org)
        reference = reference_create(actor=editor, target=contract, title="x",
                                     url="https://a.dk/")
        urls = [
            ("get", reverse("externalreference_create", args=["contract", contract.uuid])),
            ("get", reverse("externalreference_update", args=[reference.uuid])),
            ("post", reverse("externalreference_delete", args=[reference.uuid])),
            ("post", reverse("externalreference_check", args=[reference.uuid])),
            ("get", reverse("externalreference_list", args=[org.slug])),
        ]
        client.force_login(outsider)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 404, url
        client.force_login(reader)
        for method, url in urls[:4]:
            assert getattr(client, method)(url).status_code == 403, url
        assert client.get(urls[4][1]).status_code == 200
        assert ExternalReference.objects.count() == 1
        # An unknown kind of object is 404 too.
        client.force_login(editor)
        assert client.get(reverse("externalreference_create",
                                  args=["organisation", contract.uuid])).status_code == 404

    def test_catalog_entry_references_follow_its_edit_rights(self, client, org, editor,
                                                             admin_user):
        system = ItSystemFactory(owner_organisation=org)
        url = reverse("externalreference_create", args=["it_system", system.uuid])
        client.force_login(editor)
        assert client.get(url).status_code == 403  # the catalog is kept by admins
        client.force_login(admin_user)
        assert client.post(url, {"title": "Produktside",
                                 "url": "https://leverandor.example/produkt"}).status_code == 302

    def test_dead_links_page_lists_only_the_organisations(self, client, org, other_org,
                                                          editor, outsider):
        mine = reference_create(actor=editor, target=UsageFactory(organisation=org),
                                title="min døde", url="https://a.dk/x")
        theirs = reference_create(actor=outsider, target=UsageFactory(organisation=other_org),
                                  title="deres døde", url="https://b.dk/x")
        ExternalReference.objects.filter(pk__in=[mine.pk, theirs.pk]).update(
            check_status=CheckStatus.BROKEN, http_status=404, dead_since=timezone.now())
        client.force_login(editor)
        text = client.get(reverse("externalreference_list", args=[org.slug])).content.decode()
        assert "min døde" in text and "deres døde" not in text
