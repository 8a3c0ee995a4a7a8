"""Factories of new-system requests for the request tests."""

from __future__ import annotations

import factory

from governance.models import NewSystemRequest
from portfolio.models import KleNumber
from tests.factories import OrganisationFactory


class RequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewSystemRequest

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Anmodning {n}")
    need = "Et system til sagsbehandling."


def kle(number: str) -> KleNumber:
    parent = None
    if "." in number:
        parent = kle(number.rsplit(".", 1)[0])
    return KleNumber.objects.get_or_create(
        number=number, defaults={"title": f"Emne {number}", "parent": parent}
    )[0]
