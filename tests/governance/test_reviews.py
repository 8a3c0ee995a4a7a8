"""Architecture reviews: the services (record replaces, deviation needs a reason, one
organisation), the review list, the Vurder mod principper form of a project, request and
system usage, and the reviews tab on the project and usage pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from governance.models import ArchitectureReview, NewSystemRequest
from governance.principle_services import review_delete, review_record, review_subject
from kitos.detail import object_url
from tests.factories import UnitFactory, UsageFactory
from tests.governance.cases import ProjectFactory
from tests.governance.principle_cases import REVIEW, PrincipleFactory, make_review
from tests.harness import DetailViewTests, ListViewTests

pytestmark = pytest.mark.django_db


class TestReviewPages(ListViewTests, DetailViewTests):
    case = REVIEW

    def test_list_search_and_export_hold_exactly_the_filtered_rows(self):
        pytest.skip("Reviews export as shown (Excel report and CSV); see "
                    "test_review_list_filters_and_exports.")


def test_record_creates_then_replaces(org, editor):
    principle, project = PrincipleFactory(organisation=org), ProjectFactory(organisation=org)
    first = review_record(actor=editor, principle=principle, subject=project,
                          verdict="not_compliant")
    second = review_record(actor=editor, principle=principle, subject=project,
                           verdict="deviation_accepted", reason="Midlertidigt")
    assert first.pk == second.pk and ArchitectureReview.objects.count() == 1
    assert second.verdict == "deviation_accepted"
    review_delete(actor=editor, review=second)
    assert not ArchitectureReview.objects.exists()


def test_deviation_needs_a_reason(org, editor):
    principle, usage = PrincipleFactory(organisation=org), UsageFactory(organisation=org)
    with pytest.raises(ValidationError, match="begrundelse"):
        review_record(actor=editor, principle=principle, subject=usage,
                      verdict="deviation_accepted", reason="  ")


def test_subject_and_principle_in_one_organisation(org, other_org, editor):
    principle = PrincipleFactory(organisation=org)
    with pytest.raises(ValidationError):
        review_record(actor=editor, principle=principle,
                      subject=ProjectFactory(organisation=other_org), verdict="complies")


def test_review_subject_writes_all_or_nothing(org, editor):
    project = ProjectFactory(organisation=org)
    good, bad = PrincipleFactory(organisation=org), PrincipleFactory(organisation=org)
    with pytest.raises(ValidationError):
        review_subject(actor=editor, subject=project, verdicts=[
            (good, "complies", ""), (bad, "deviation_accepted", "")])
    assert not ArchitectureReview.objects.exists()


def _request(org):
    return NewSystemRequest.objects.create(organisation=org, title="Nyt ESDH",
                                           need="Sager")


@pytest.mark.parametrize("kind", ["project", "request", "usage"])
def test_review_form_of_each_subject(client, org, other_org, editor, reader, outsider, kind):
    subject = {"project": lambda: ProjectFactory(organisation=org),
               "request": lambda: _request(org),
               "usage": lambda: UsageFactory(organisation=org)}[kind]()
    route = {"project": "project_review", "request": "newsystemrequest_review",
             "usage": "systemusage_review"}[kind]
    complies, deviates = PrincipleFactory(organisation=org), PrincipleFactory(organisation=org)
    PrincipleFactory(organisation=other_org)
    url = reverse(route, args=[subject.uuid])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(reader)
    assert client.get(url).status_code == 403
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["form"].principles) == 2
    data = {"reviewed_on": "2025-05-01",
            f"verdict_{complies.pk}": "complies",
            f"verdict_{deviates.pk}": "deviation_accepted"}
    response = client.post(url, data)
    assert response.status_code == 200 and not ArchitectureReview.objects.exists()
    data[f"reason_{deviates.pk}"] = "Leverandøren har ingen API endnu."
    response = client.post(url, data)
    assert response.status_code == 302, response.content
    assert ArchitectureReview.objects.filter(**{kind: subject}).count() == 2


@pytest.mark.parametrize("kind", ["project", "usage"])
def test_reviews_tab_on_project_and_usage_pages(client, org, reader, editor, kind):
    subject = (ProjectFactory if kind == "project" else UsageFactory)(organisation=org)
    review = make_review(PrincipleFactory(organisation=org, title="Åbne standarder"),
                         subject, verdict="not_compliant")
    review_url = reverse(f"{'project' if kind == 'project' else 'systemusage'}_review",
                         args=[subject.uuid])
    client.force_login(reader)
    response = client.get(object_url(subject) + "?tab=arkitektur")
    html = response.content.decode()
    assert response.status_code == 200 and "Åbne standarder" in html
    assert object_url(review) in html and review_url not in html
    client.force_login(editor)
    assert review_url in client.get(object_url(subject) + "?tab=arkitektur").content.decode()


def test_review_list_filters_and_exports(client, org, reader):
    forvaltning = UnitFactory(organisation=org, name="Børn og Unge")
    principle = PrincipleFactory(organisation=org)
    inside = make_review(principle, ProjectFactory(organisation=org, name="Inde",
                                                   responsible_unit=forvaltning),
                         verdict="not_compliant")
    make_review(principle, ProjectFactory(organisation=org, name="Ude"))
    client.force_login(reader)
    url = reverse("architecturereview_list")
    response = client.get(url, {"unit": str(forvaltning.uuid), "verdict": "not_compliant"})
    assert [row["url"] for row in response.context["rows"]] == [object_url(inside)]
    response = client.get(url, {"subject": "usage"})
    assert response.context["paginator"].count == 0
    response = client.get(url, {"format": "csv", "unit": str(forvaltning.uuid)})
    body = b"".join(response.streaming_content).decode()
    assert "Inde" in body and "Ude" not in body


def test_review_edit_and_delete_pages(client, org, editor, reader, outsider):
    review = make_review(PrincipleFactory(organisation=org))
    edit = reverse("architecturereview_update", args=[review.uuid])
    delete = reverse("architecturereview_delete", args=[review.uuid])
    client.force_login(outsider)
    assert client.get(edit).status_code == 404
    client.force_login(reader)
    assert client.get(edit).status_code == 403
    client.force_login(editor)
    response = client.post(edit, {"verdict": "deviation_accepted", "reason": "",
                                  "reviewed_on": "2025-06-01"})
    assert response.status_code == 200  # the reason is missing
    response = client.post(edit, {"verdict": "deviation_accepted", "reason": "Aftalt",
                                  "reviewed_on": "2025-06-01"})
    assert response.status_code == 302, response.content
    review.refresh_from_db()
    assert review.verdict == "deviation_accepted"
    response = client.post(delete)
    assert response.status_code == 302 and response.url == object_url(review.project)
    assert not ArchitectureReview.objects.exists()


@pytest.mark.parametrize("kind", ["project", "usage"])
def test_reviews_tab_query_count_is_constant(client, org, reader, kind):
    from tests.helpers import count_queries

    subject = (ProjectFactory if kind == "project" else UsageFactory)(organisation=org)
    url = object_url(subject) + "?tab=arkitektur"
    client.force_login(reader)

    def add(count):
        for _ in range(count):
            make_review(PrincipleFactory(organisation=org), subject, verdict="not_compliant")

    add(3)
    count_queries(client, url)
    few = count_queries(client, url)
    add(20)
    assert count_queries(client, url) == few
