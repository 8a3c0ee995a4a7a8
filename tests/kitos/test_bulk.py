"""Bulk actions (kitos/bulk.py) through the system usages list: checkboxes for editors
only, the steps choose → preview → confirm, one audit group, refusals per row, and
hostile posts (other organisations' ids, unknown actions, too many rows, double submit,
rows changed since the preview)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kitos import bulk
from kitos.models import AuditEntry
from portfolio.models import ItSystem, SystemUsage
from tests.factories import IntegrationFactory, SupplierFactory, UnitFactory, UsageFactory

pytestmark = pytest.mark.django_db

LIST = "/systemanvendelser/"


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def preview(client, rows, action="lifecycle", url=LIST, **data):
    return client.post(url, {"bulk_action": action, "step": "preview",
                             "rows": [str(r.uuid) for r in rows], **data})


def confirm(client, response, url=LIST, **overrides):
    """Post the preview page's own form (its hidden fields) with *Bekræft*."""
    context = response.context
    data = {
        "bulk_action": context["action"].key, "step": "confirm",
        "rows": context["row_ids"], "fingerprints": context["fingerprints"],
        "values": context["values"],
        **{name: context["form"].data.get(name, "") for name in context["form"].fields},
    }
    data["step"] = "confirm"
    if context["everything"]:
        data["scope"] = "all"
    data.update(overrides)
    return client.post(url, data)


class TestListCheckboxes:
    def test_editors_see_checkboxes_and_the_bulk_bar(self, client, editor, org):
        UsageFactory(organisation=org)
        client.force_login(editor)
        html = client.get(LIST).content.decode()
        assert 'name="rows"' in html and 'name="bulk_action"' in html
        assert 'value="scope"' not in html and 'name="scope" value="all"' in html

    def test_readers_see_no_checkboxes(self, client, reader, org):
        UsageFactory(organisation=org)
        client.force_login(reader)
        html = client.get(LIST).content.decode()
        assert 'name="rows"' not in html and "bulk_action" not in html

    def test_readers_cannot_post_an_action(self, client, reader, org):
        usage = UsageFactory(organisation=org)
        client.force_login(reader)
        response = preview(client, [usage], value="retired")
        assert response.status_code == 403
        usage.refresh_from_db()
        assert usage.lifecycle == "operational"

    def test_query_count_does_not_grow_with_rows(self, client, editor, org):
        client.force_login(editor)
        UsageFactory(organisation=org)

        def count():
            with CaptureQueriesContext(connection) as queries:
                assert client.get(LIST, {"page_size": 100}).status_code == 200
            return len(queries)

        count()  # the first request of a session costs one query more
        one = count()
        # 1,000 rows more, written in two statements (factories would take minutes).
        supplier = SupplierFactory()
        systems = ItSystem.objects.bulk_create(
            ItSystem(name=f"Masse {n:04d}", rights_holder=supplier, business_type="esdh")
            for n in range(1000)
        )
        SystemUsage.objects.bulk_create(
            SystemUsage(organisation=org, system=system, lifecycle="operational")
            for system in systems
        )
        assert count() == one


class TestSteps:
    def test_choose_preview_confirm(self, client, editor, org):
        usages = UsageFactory.create_batch(3, organisation=org)
        retired = UsageFactory(organisation=org, lifecycle="retired")
        client.force_login(editor)
        chosen = client.post(LIST, {"bulk_action": "lifecycle", "step": "choose",
                                    "rows": [str(u.uuid) for u in [*usages, retired]]})
        assert chosen.status_code == 200 and not chosen.context["preview"]
        shown = preview(client, [*usages, retired], value="retired")
        assert shown.status_code == 200
        assert shown.context["to_change"] == 3 and shown.context["unchanged"] == 1
        assert "I drift" in shown.content.decode() and "Ikke i drift" in shown.content.decode()
        done = confirm(client, shown)
        assert done.status_code == 302
        assert "3 ændret, 0 afvist." in texts(done)[0]
        assert set(SystemUsage.objects.values_list("lifecycle", flat=True)) == {"retired"}
        entries = AuditEntry.objects.filter(action="update")
        assert entries.count() == 3
        assert len({entry.group_id for entry in entries}) == 1

    def test_double_submit_changes_nothing_twice(self, client, editor, org):
        usages = UsageFactory.create_batch(2, organisation=org)
        client.force_login(editor)
        shown = preview(client, usages, value="retired")
        confirm(client, shown)
        client.get(LIST)  # shows (and so clears) the first submit's messages
        again = confirm(client, shown)
        # The rows changed (by the first submit) since the preview: refused, not rewritten.
        assert "0 ændret, 2 afvist." in texts(again)[0]
        assert AuditEntry.objects.filter(action="update").count() == 2

    def test_a_row_changed_since_the_preview_is_refused(self, client, editor, org):
        first, second = UsageFactory.create_batch(2, organisation=org)
        client.force_login(editor)
        shown = preview(client, [first, second], value="retired")
        first.local_name = "Ændret imens"
        first.save()
        done = confirm(client, shown)
        assert "1 ændret, 1 afvist." in texts(done)[0]
        assert any("siden forhåndsvisningen" in text for text in texts(done))
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.lifecycle, second.lifecycle) == ("operational", "retired")

    def test_values_edited_after_the_preview_are_previewed_again(self, client, editor, org):
        usage = UsageFactory(organisation=org)
        client.force_login(editor)
        shown = preview(client, [usage], value="retired")
        again = confirm(client, shown, value="planned")
        assert again.status_code == 200 and again.context["preview"]
        usage.refresh_from_db()
        assert usage.lifecycle == "operational"

    def test_unit_choices_are_the_active_organisations(self, client, editor, org, other_org):
        usage = UsageFactory(organisation=org)
        theirs = UnitFactory(organisation=other_org)
        client.force_login(editor)
        response = preview(client, [usage], action="responsible_unit", value=theirs.pk)
        assert response.status_code == 400
        ours = UnitFactory(organisation=org, name="IT-afdelingen")
        response = preview(client, [usage], action="responsible_unit", value=ours.pk)
        confirm(client, response)
        usage.refresh_from_db()
        assert usage.responsible_unit == ours

    def test_all_rows_matching_the_filter(self, client, editor, org):
        UsageFactory.create_batch(3, organisation=org, lifecycle="planned")
        UsageFactory(organisation=org, lifecycle="operational")
        client.force_login(editor)
        url = f"{LIST}?lifecycle=planned"
        shown = client.post(url, {"bulk_action": "lifecycle", "step": "preview",
                                  "scope": "all", "value": "phasing_in"})
        assert shown.context["row_count"] == 3
        confirm(client, shown, url=url)
        assert SystemUsage.objects.filter(lifecycle="phasing_in").count() == 3
        assert SystemUsage.objects.filter(lifecycle="operational").count() == 1

    def test_delete_refuses_rows_in_use_and_deletes_the_rest(self, client, editor, org):
        free = UsageFactory(organisation=org)
        used = IntegrationFactory(organisation=org).source
        client.force_login(editor)
        shown = preview(client, [free, used], action="delete")
        assert shown.context["to_change"] == 2
        done = confirm(client, shown)
        assert "1 ændret, 1 afvist." in texts(done)[0]
        assert not SystemUsage.objects.filter(pk=free.pk).exists()
        assert SystemUsage.objects.filter(pk=used.pk).exists()


class TestHostile:
    def test_other_organisations_ids_are_ignored(self, client, editor, org, other_org):
        ours = UsageFactory(organisation=org)
        theirs = UsageFactory(organisation=other_org)
        client.force_login(editor)
        shown = preview(client, [ours, theirs], value="retired")
        assert shown.context["row_ids"] == [str(ours.uuid)]
        assert any("ikke synlig" in text for text in texts(shown))
        done = confirm(client, shown, rows=[str(ours.uuid), str(theirs.uuid)])
        assert done.status_code == 302
        theirs.refresh_from_db()
        assert theirs.lifecycle == "operational"

    def test_a_visible_row_of_another_organisation_is_refused(self, client, editor, org,
                                                              other_org):
        from tests.factories import MembershipFactory

        MembershipFactory(organisation=other_org, user=editor, role="reader")
        theirs = UsageFactory(organisation=other_org)
        client.force_login(editor)
        session = client.session
        session["kitos_organisation"] = org.pk
        session.save()
        shown = preview(client, [theirs], value="retired")
        assert shown.context["refused"] == 1 and shown.context["to_change"] == 0
        confirm(client, shown)
        theirs.refresh_from_db()
        assert theirs.lifecycle == "operational"

    def test_unknown_action_is_400(self, client, editor, org):
        usage = UsageFactory(organisation=org)
        client.force_login(editor)
        response = preview(client, [usage], action="drop_table")
        assert response.status_code == 400
        assert "Ukendt massehandling" in response.content.decode()

    def test_empty_and_malformed_selections(self, client, editor, org):
        client.force_login(editor)
        response = client.post(LIST, {"bulk_action": "lifecycle", "rows": ["nonsense"]})
        assert response.status_code == 302
        assert "Vælg mindst én række." in texts(response)

    def test_too_many_rows(self, client, editor, org, monkeypatch):
        monkeypatch.setattr(bulk, "MAX_ROWS", 2)
        UsageFactory.create_batch(3, organisation=org)
        client.force_login(editor)
        response = client.post(LIST, {"bulk_action": "lifecycle", "scope": "all"})
        assert response.status_code == 302
        assert any("højst 2" in text for text in texts(response))

    def test_an_unexpected_error_leaves_nothing_written(self, client, editor, org,
                                                        monkeypatch):
        usages = UsageFactory.create_batch(2, organisation=org)
        client.force_login(editor)
        shown = preview(client, usages, value="retired")
        calls = []

        def boom(*, actor, usage, data=None):
            from portfolio.services import update_object

            calls.append(usage)
            if len(calls) == 2:
                raise RuntimeError("database went away")
            return update_object(actor=actor, instance=usage, data=data)

        monkeypatch.setattr("portfolio.bulk_actions.usage_update", boom)
        client.raise_request_exception = True
        with pytest.raises(RuntimeError):
            confirm(client, shown)
        assert not SystemUsage.objects.filter(lifecycle="retired").exists()
        assert not AuditEntry.objects.filter(action="update").exists()


@pytest.mark.parametrize("action,values", [
    ("responsible_unit", {}), ("lifecycle", {"value": "retired"}), ("role_holder", {}),
])
def test_preview_queries_do_not_grow_with_rows(client, editor, org, action, values):
    from roles.models import RoleType
    from tests.factories import PersonFactory, RoleAssignmentFactory

    unit = UnitFactory(organisation=org)
    person = PersonFactory(organisation=org)
    owner = RoleType.objects.get(organisation=None, applies_to="system_usage",
                                 code="systemejer")
    values = {**values, "role_type": owner.pk, "person": person.pk, "mode": "replace"}
    values.setdefault("value", unit.pk)
    client.force_login(editor)

    def count(rows):
        with CaptureQueriesContext(connection) as queries:
            response = preview(client, rows, action=action, **values)
        assert response.status_code == 200 and response.context["preview"]
        return len(queries)

    few = UsageFactory.create_batch(2, organisation=org, responsible_unit=unit)
    count(few)
    baseline = count(few)
    many = [*few, *UsageFactory.create_batch(8, organisation=org, responsible_unit=unit)]
    for usage in many:
        RoleAssignmentFactory(target=usage, role_type=owner)
    assert count(many) == baseline
