"""Detail pages of data assets, processing activities and the agreement page's tabs."""

from __future__ import annotations

import pytest

from gdpr.models import DataAssetUsage
from tests.detail_helpers import tab_url
from tests.factories import DataAssetFactory, UsageFactory
from tests.gdpr.cases import AGREEMENT, DATA_ASSET, PROCESSING_ACTIVITY
from tests.harness import DetailViewTests

pytestmark = pytest.mark.django_db


class TestDataAssetDetail(DetailViewTests):
    case = DATA_ASSET


class TestProcessingActivityDetail(DetailViewTests):
    case = PROCESSING_ACTIVITY


class TestAgreementTabs(DetailViewTests):
    case = AGREEMENT


def test_asset_page_names_its_systems_and_use(client, org, reader):
    asset = DataAssetFactory(organisation=org, name="Elevdata")
    DataAssetUsage.objects.create(
        asset=asset, usage=UsageFactory(organisation=org, local_name="Aula"), use="exposes"
    )
    client.force_login(reader)
    html = client.get(tab_url(asset, "systemer")).content.decode()
    assert "Aula" in html and "Udstiller" in html
