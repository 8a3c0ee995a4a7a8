"""A reader exports the contract list "as shown" in a real browser: the columns they
chose, in order, the filter they set, every filtered row (not just the page) and the
total the list's footer shows, read back with openpyxl."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from playwright.sync_api import expect

from contracts.models import Contract
from roles.models import RoleAssignment, RoleType
from tests.factories import (
    ContractFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    SupplierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _footer_number(text: str) -> Decimal:
    """"1.234.567" (Danish grouping, maybe a decimal comma) as a number."""
    return Decimal(re.sub(r"[^\d,-]", "", text).replace(",", "."))


def test_reader_exports_the_list_as_shown(live_server, page):
    demo = OrganisationFactory(name="Demo Kommune", slug="demo")
    MembershipFactory(user=UserFactory(username="laeser"), organisation=demo, role="reader")
    kmd = SupplierFactory(name="KMD A/S")
    other = SupplierFactory(name="Netcompany A/S")
    owner = PersonFactory(organisation=demo, name="Kirsten Ejer")
    owner_role = RoleType.objects.get(organisation=None, applies_to="contract",
                                      code="kontraktejer")
    terms = {"start_date": datetime.date(2022, 1, 1), "renewal_months": 12}
    # More rows than a page (25): the export has them all, the footer totals them all.
    contracts = [
        ContractFactory(organisation=demo, supplier=kmd, name=f"KMD-aftale {n:02d}",
                        contract_number=f"K-{n:02d}", yearly_cost=Decimal(1000 + 250 * n),
                        **terms)
        for n in range(30)
    ]
    ContractFactory(organisation=demo, supplier=other, name="Anden aftale",
                    yearly_cost=Decimal("99999"), **terms)
    RoleAssignment.objects.create(
        organisation=demo, person=owner, role_type=owner_role,
        content_type=ContentType.objects.get_for_model(Contract), object_id=contracts[0].pk,
    )

    page.goto(f"{live_server.url}/kontrakter/")
    page.get_by_label("Brugernavn").fill("laeser")
    page.get_by_label("Adgangskode").fill("test-password-123")
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("heading", name="Kontrakter").wait_for()

    # Choose the columns: add the contract number, drop the status.
    page.get_by_text("Kolonner", exact=True).click()
    page.get_by_label("Kontraktnummer").check()
    page.get_by_label("Status", exact=True).uncheck()
    page.get_by_role("button", name="Gem kolonner").click()
    expect(page.get_by_role("columnheader", name="Kontraktnummer")).to_be_visible()

    # Filter by supplier, sorted by name.
    page.goto(f"{live_server.url}/kontrakter/?supplier={kmd.uuid}&sort=name")
    body_rows = page.locator("table.list-table tbody tr")
    expect(body_rows).to_have_count(25)
    headers = [
        re.sub(r"[▲▼↕]", "", text).strip()
        for text in page.locator("table.list-table thead th[scope=col]").all_inner_texts()
    ]
    assert "Kontraktnummer" in headers and "Status" not in headers
    money_index = headers.index("Årlig udgift (kr.)")
    footer_cells = page.locator("table.list-table tfoot tr").first.locator("th, td")
    footer_total = _footer_number(footer_cells.nth(money_index).inner_text())
    assert footer_total == sum(Decimal(1000 + 250 * n) for n in range(30))

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Eksportér som vist").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        workbook = openpyxl.load_workbook(io.BytesIO(handle.read()))
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]

    assert rows[0][0] == "Kontrakter"
    assert rows[1][0] == "Filtre: Leverandør = KMD A/S"
    assert rows[2][:len(headers)] == headers  # the visible columns, in their order
    data = rows[3:-1]
    assert len(data) == 30
    name_index = headers.index("Navn")
    assert [row[name_index] for row in data] == [f"KMD-aftale {n:02d}" for n in range(30)]
    assert data[0][headers.index("Kontraktnummer")] == "K-00"
    assert data[0][headers.index("Leverandør")] == "KMD A/S"
    assert data[0][headers.index("Kontraktejer")] == "Kirsten Ejer"
    assert data[1][headers.index("Kontraktejer")] is None
    deadline = data[0][headers.index("Opsigelsesfrist")]
    assert isinstance(deadline, datetime.datetime)  # a real date, dd-mm-yyyy in Excel
    assert sheet.cell(row=4, column=headers.index("Opsigelsesfrist") + 1).number_format == (
        "dd-mm-yyyy")
    assert sheet.cell(row=4, column=money_index + 1).number_format == "#,##0.00"

    totals = rows[-1]
    assert totals[0] == "I alt: 30 rækker"
    assert Decimal(str(totals[money_index])) == footer_total
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref.startswith("A3:") and sheet.auto_filter.ref.endswith("33")
    assert "Anden aftale" not in str(rows)
