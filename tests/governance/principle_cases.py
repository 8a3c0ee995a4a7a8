"""Factories and shared-test declarations (tests/harness.py) of principles and
architecture reviews."""

from __future__ import annotations

import datetime

import factory

from governance import principle_tables
from governance.models import ArchitectureReview, Principle
from tests.detail_helpers import add_history
from tests.factories import PersonFactory, UnitFactory, UsageFactory
from tests.governance.cases import ProjectFactory
from tests.harness import ModelCase

DAY = datetime.date(2025, 3, 1)


class PrincipleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Principle

    organisation = factory.SubFactory("tests.factories.OrganisationFactory")
    title = factory.Sequence(lambda n: f"Princip {n}")
    area = "architecture"
    text = "Genbrug før køb før udvikling."


def make_review(principle, subject=None, **fields):
    if subject is None:
        subject = ProjectFactory(organisation=principle.organisation)
    field = {"Project": "project", "SystemUsage": "usage",
             "NewSystemRequest": "request"}[type(subject).__name__]
    fields.setdefault("verdict", "complies")
    fields.setdefault("reviewed_on", DAY)
    return ArchitectureReview.objects.create(
        organisation=principle.organisation, principle=principle, **{field: subject},
        **fields,
    )


def principle_row(org, label):
    principle = PrincipleFactory(organisation=org, title=label,
                                 owner=PersonFactory(organisation=org))
    make_review(principle)
    return principle


def add_principle_rows(principle, count):
    org = principle.organisation
    for _ in range(count):
        make_review(principle, ProjectFactory(
            organisation=org, responsible_unit=UnitFactory(organisation=org)),
            reviewer=PersonFactory(organisation=org))
        make_review(principle, UsageFactory(organisation=org), verdict="not_compliant")
    add_history(principle, count)


PRINCIPLE = ModelCase(
    model=Principle,
    make=lambda org: PrincipleFactory(organisation=org),
    make_row=principle_row,
    columns=principle_tables.PRINCIPLE_COLUMNS,
    tabs=("overblik", "versioner", "vurderinger", "historik"),
    add_rows=add_principle_rows,
    form_data=lambda org: {"title": "Data registreres én gang", "area": "data",
                           "text": "Data genbruges fra grunddata.", "active": "on",
                           "owner": PersonFactory(organisation=org).pk},
    change={"rationale": "Færre fejl."},
    changed=lambda principle: principle.rationale == "Færre fejl.",
    cross_field="owner",
    cross_value=lambda other: PersonFactory(organisation=other).pk,
    invalid={"area": "magic"},
    lookup=lambda org: Principle.objects.get(organisation=org,
                                             title="Data registreres én gang"),
)


def review_row(org, label):
    principle = PrincipleFactory(organisation=org, title=f"Princip {label}")
    return make_review(principle, ProjectFactory(
        organisation=org, name=f"Projekt {label}",
        responsible_unit=UnitFactory(organisation=org)),
        reviewer=PersonFactory(organisation=org), reason=label)


REVIEW = ModelCase(
    model=ArchitectureReview,
    make=lambda org: make_review(PrincipleFactory(organisation=org)),
    make_row=review_row,
    columns=principle_tables.REVIEW_COLUMNS,
    tabs=("overblik", "historik"),
    add_rows=lambda review, count: add_history(review, count),
)
