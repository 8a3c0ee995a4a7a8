"""The report export "as shown" (ListView.report_export, kitos/excel/as_shown.py): the
chosen columns in order with the list's values, the filters above the table, Danish
formats, a totals row over all filtered rows, streamed, scoped like the list."""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import Contract
from roles.models import RoleAssignment, RoleType
from tests.factories import ContractFactory, PersonFactory, SupplierFactory
from tests.helpers import warm_process_caches

pytestmark = pytest.mark.django_db

COLUMNS = ["yearly_cost", "name", "notice_deadline", "contract_owner", "supplier", "status"]


def _contracts(org, count, supplier, cost=Decimal("1000.50")):
    owner_role = RoleType.objects.get(organisation=None, applies_to="contract",
                                      code="kontraktejer")
    person = PersonFactory(organisation=org, name="Kirsten Ejer")
    contracts = [
        ContractFactory(organisation=org, supplier=supplier, name=f"Kontrakt {n:03d}",
                        yearly_cost=cost, renewal_months=12)
        for n in range(count)
    ]
    RoleAssignment.objects.create(
        organisation=org, person=person, role_type=owner_role,
        content_type=ContentType.objects.get_for_model(Contract), object_id=contracts[0].pk,
    )
    return contracts


def _get(client, fmt, **params):
    response = client.get("/kontrakter/", {"format": fmt, "sort": "name", **params})
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content)


def test_xlsx_as_shown_with_chosen_columns_filter_and_totals(client, reader, org, other_org):
    kmd = SupplierFactory(name="KMD A/S")
    _contracts(org, 30, kmd)  # more rows than a page (25)
    ContractFactory(organisation=org, name="Anden leverandør", yearly_cost=Decimal("7"))
    ContractFactory(organisation=other_org, supplier=kmd, name="Fremmed kontrakt")
    client.force_login(reader)  # a reader may export
    client.post("/kontrakter/", {"columns": COLUMNS})
    content = _get(client, "report", supplier=str(kmd.uuid), status="active")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Kontrakter"
    assert rows[1][0] == "Filtre: Status = Aktiv; Leverandør = KMD A/S"
    assert rows[2][:6] == ["Årlig udgift (kr.)", "Navn", "Opsigelsesfrist", "Kontraktejer",
                       "Leverandør", "Status"]
    data = rows[3:-1]
    assert len(data) == 30
    assert [row[1] for row in data] == [f"Kontrakt {n:03d}" for n in range(30)]
    first = data[0]
    assert first[0] == pytest.approx(1000.50)
    assert isinstance(first[2], datetime.datetime)  # a real date (openpyxl reads datetime)
    assert first[3] == "Kirsten Ejer" and first[4] == "KMD A/S" and first[5] == "Aktiv"
    assert sheet.cell(row=4, column=3).number_format == "dd-mm-yyyy"
    assert sheet.cell(row=4, column=1).number_format == "#,##0.00"
    totals = rows[-1]
    assert totals[0] == pytest.approx(30 * 1000.50)
    assert totals[-1] == "I alt: 30 rækker"  # first column is money: the count after it
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:F33"
    assert sheet.column_dimensions["B"].width >= 8
    everything = str(rows)
    assert "Fremmed kontrakt" not in everything and "Anden leverandør" not in everything


def test_csv_as_shown_for_danish_excel(client, reader, org, other_org):
    kmd = SupplierFactory(name="KMD A/S")
    _contracts(org, 3, kmd, cost=Decimal("1234.5"))
    ContractFactory(organisation=other_org, supplier=kmd, name="Fremmed kontrakt")
    client.force_login(reader)
    client.post("/kontrakter/", {"columns": ["name", "yearly_cost", "notice_deadline"]})
    content = _get(client, "csv")
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Kontrakter"]
    assert rows[1] == ["Filtre: ingen"]
    assert rows[2] == ["Navn", "Årlig udgift (kr.)", "Opsigelsesfrist"]
    assert rows[3][0] == "Kontrakt 000" and rows[3][1] == "1234,50"
    assert re.fullmatch(r"\d\d-\d\d-\d{4}", rows[3][2])
    assert rows[-1] == ["I alt: 3 rækker", "3703,50", ""]
    assert "Fremmed kontrakt" not in content.decode("utf-8-sig")


def test_text_that_looks_like_a_formula_stays_text(client, reader, org):
    ContractFactory(organisation=org, name="=HYPERLINK(\"x\")")
    client.force_login(reader)
    sheet = openpyxl.load_workbook(io.BytesIO(_get(client, "report"))).active
    assert sheet.cell(row=4, column=1).value == "=HYPERLINK(\"x\")"
    assert sheet.cell(row=4, column=1).data_type == "s"
    text = _get(client, "csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in text


@pytest.mark.parametrize("fmt", ["report", "csv"])
def test_export_query_count_does_not_grow_with_rows(client, reader, org, fmt):
    kmd = SupplierFactory(name="KMD A/S")
    client.force_login(reader)
    client.post("/kontrakter/", {"columns": [*COLUMNS, "usages", "responsible_unit"]})
    counts = []
    for total in (1, 200):
        Contract.objects.filter(organisation=org).delete()
        _contracts(org, total, kmd)
        warm_process_caches()
        with CaptureQueriesContext(connection) as context:
            _get(client, fmt)
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]


def test_invalid_filters_are_not_exported(client, reader, org):
    client.force_login(reader)
    response = client.get("/kontrakter/", {"format": "report", "next_end_after": "x"})
    assert response.status_code == 400


def test_every_list_offers_the_report_buttons(client, reader, org):
    client.force_login(reader)
    page = client.get("/kontrakter/").content.decode()
    assert "format=report" in page and "format=csv" in page


def _both_ways(view_class, user):
    """Every column of ``view_class``'s list for ``user``'s rows: read the export's way
    (values_list, bulk, instances per chunk) and the page's way (Column.cell)."""
    from django.test import RequestFactory
    from django.utils import timezone

    from kitos.excel.as_shown import shown_value
    from kitos.lists import ListContext, _resolve
    from kitos.report_rows import report_rows

    request = RequestFactory().get("/")
    request.user = user
    request.session = {}
    view = view_class()
    view.setup(request)
    filterset = view.get_filterset()
    assert filterset.is_valid()
    shown = list(view.all_columns)
    sort = next(column for column in shown if column.sort)
    queryset = view.rows_queryset(filterset, shown, sort, False)
    today = timezone.localdate()
    fast = list(report_rows(queryset, shown, context=ListContext(user=user, today=today),
                            convert=shown_value, resolve=_resolve, chunk_size=3))
    page = [[shown_value(column.kind, column.cell(row, today).value) for column in shown]
            for row in queryset]
    return fast, page


def test_export_rows_equal_the_lists_values_in_every_column(reader, org, other_org):
    from contracts.views import ContractListView, SupplierListView
    from roles.views import OrganisationUnitListView, RoleAssignmentListView
    from tests.factories import CoverageFactory, RoleAssignmentFactory, UnitFactory

    kmd = SupplierFactory(name="KMD A/S", is_local=True)
    parent = UnitFactory(organisation=org, name="Forvaltning")
    unit = UnitFactory(organisation=org, name="Afdeling", parent=parent)
    contracts = _contracts(org, 7, kmd)
    contracts[1].responsible_unit = unit
    contracts[1].contract_type = Contract._meta.get_field("contract_type").choices[0][0]
    contracts[1].save()
    contracts[2].supplier = None
    contracts[2].save()
    CoverageFactory(contract=contracts[3])
    CoverageFactory(contract=contracts[3])
    ContractFactory(organisation=other_org, supplier=kmd)  # not the reader's
    RoleAssignmentFactory(target=CoverageFactory(contract=contracts[4]).usage)
    for view_class in (ContractListView, SupplierListView, OrganisationUnitListView,
                       RoleAssignmentListView):
        fast, page = _both_ways(view_class, reader)
        assert fast == page, view_class.__name__
        assert fast, view_class.__name__


@pytest.mark.parametrize("fmt", ["report", "csv"])
def test_a_distinct_filter_sorted_by_a_hidden_column(client, reader, org, fmt):
    """The usage filter makes the rows DISTINCT; sorting by a column not shown still
    gives each contract once, in order (PostgreSQL wants the sort in the select)."""
    from tests.factories import CoverageFactory

    kmd = SupplierFactory(name="KMD A/S")
    cheap, dear = _contracts(org, 2, kmd)
    dear.yearly_cost = Decimal("5000")
    dear.save()
    coverage = CoverageFactory(contract=cheap)
    CoverageFactory(contract=dear, usage=coverage.usage)
    client.force_login(reader)
    client.post("/kontrakter/", {"columns": ["name", "supplier"]})
    response = client.get("/kontrakter/", {"format": fmt, "usage": str(coverage.usage.uuid),
                                           "sort": "-yearly_cost"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [row[0] for row in rows[3:-1]] == [dear.name, cheap.name]
