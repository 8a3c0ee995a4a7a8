"""A commit on PostgreSQL streams new rows to the database while it validates the rest,
and writes them on a background thread (kitos/excel/bulk.py ``pipelined``). These tests
shrink the batch sizes so that a few dozen rows go through every path: what lands is
what the plain path writes, a bad row anywhere still writes nothing, a database failure
is raised (not swallowed) and the connection stays usable, and the progress callback
commits on its own connection while the import's transaction is open."""

from __future__ import annotations

import datetime
import threading
import uuid
from decimal import Decimal

import pytest
from django.db import DatabaseError, Error, connection

from contracts.models import Contract, ContractCoverage
from kitos.excel import bulk, engine
from kitos.models import AuditEntry
from portfolio.models import SystemUsage
from tests.factories import ItSystemFactory, SupplierFactory, UnitFactory
from tests.kitos.test_import_engine import run, workbook

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'",
                       reason="the pipeline is PostgreSQL's (SQLite uses bulk_create)"),
]


@pytest.fixture
def small_batches(monkeypatch):
    """Stream every 7 new objects, 4 rows per COPY; count the streamed batches."""
    monkeypatch.setattr(engine, "STREAM_ROWS", 7)
    monkeypatch.setattr(bulk, "COPY_ROWS", 4)
    streamed = []
    original = engine._stream_new

    def spy(state):
        done = original(state)
        if done:
            streamed.append(state.streamed)
        return done

    monkeypatch.setattr(engine, "_stream_new", spy)
    return streamed


@pytest.fixture
def catalog(org):
    unit = UnitFactory(organisation=org, name="Børn og Unge")
    SupplierFactory(name="Skolesoft A/S", cvr="12345678")
    usage = SystemUsage.objects.create(
        organisation=org, system=ItSystemFactory(name="Aula"), lifecycle="operational")
    return {"unit": unit, "usage": usage}


def rows(count: int, *, bad_row: int | None = None, same_number: dict | None = None):
    """A contracts sheet; data row n is Excel row n + 1. `same_number` maps a row to an
    earlier row whose contract number it repeats."""
    sheet = [["Navn", "Kontraktnummer", "Leverandør", "Startdato", "Udløbsdato",
              "Årlig driftsudgift", "Ansvarlig enhed", "Systemer"]]
    for number in range(count):
        excel_row = number + 2
        contract_number = number
        if same_number and excel_row in same_number:
            contract_number = same_number[excel_row] - 2
        sheet.append([
            f"Kontrakt {number:03d}", f"K-{contract_number:03d}", "12345678", "01-01-2024",
            "31-13-2027" if excel_row == bad_row else "31.12.2027",
            f"{1000 + number:,}".replace(",", ".") + ",50", "Børn og Unge", "Aula",
        ])
    return sheet


def test_a_streamed_commit_writes_and_audits_every_row(org, editor, catalog, small_batches):
    run_id = uuid.uuid4()
    report = run(org, editor, workbook({"Kontrakter": rows(50)}), import_id=run_id)
    assert report.ok, report.errors
    assert report.counts["create"] == 50
    assert small_batches == [7, 14, 21, 28, 35, 42, 49]  # the 50th went in at the end
    contracts = Contract.objects.filter(organisation=org).order_by("name")
    assert contracts.count() == 50
    first, last = contracts.first(), contracts.last()
    assert (first.name, first.contract_number, first.yearly_cost) == (
        "Kontrakt 000", "K-000", Decimal("1000.50"))
    assert last.yearly_cost == Decimal("1049.50")
    assert last.expiry_date == datetime.date(2027, 12, 31)
    assert last.responsible_unit == catalog["unit"]
    assert last.supplier.cvr == "12345678"
    assert ContractCoverage.objects.filter(
        contract__organisation=org, usage=catalog["usage"]).count() == 50
    entries = AuditEntry.objects.filter(group_id=run_id)
    assert entries.count() == 50
    assert set(entries.values_list("object_id", flat=True)) == set(
        contracts.values_list("pk", flat=True))
    # Importing the same file again finds every streamed contract unchanged.
    again = run(org, editor, workbook({"Kontrakter": rows(50)}))
    assert again.ok and again.counts["unchanged"] == 50


def test_the_links_of_streamed_rows_go_in_with_them(org, editor, catalog, small_batches,
                                                     monkeypatch):
    """A streamed batch's covered systems are inserted right after its contracts, not
    when the entity is written: by then only the last (unstreamed) row's is missing."""
    seen_at_write = []
    write = engine._write

    def counting(state, context, entries, **kwargs):
        seen_at_write.append(ContractCoverage.objects.filter(organisation=org).count())
        write(state, context, entries, **kwargs)

    monkeypatch.setattr(engine, "_write", counting)
    report = run(org, editor, workbook({"Kontrakter": rows(50)}))
    assert report.ok, report.errors
    assert seen_at_write == [49]
    assert ContractCoverage.objects.filter(organisation=org).count() == 50
    assert set(ContractCoverage.objects.filter(organisation=org).values_list(
        "contract__name", flat=True)) == {f"Kontrakt {n:03d}" for n in range(50)}


def test_the_audit_entries_go_in_as_they_are_built_in_row_order(org, editor, catalog,
                                                                 small_batches, monkeypatch):
    inserted = []
    insert = bulk.insert

    def counting(model, objects):
        if model is AuditEntry:
            inserted.append(len(objects))
        insert(model, objects)

    monkeypatch.setattr(bulk, "insert", counting)
    run_id = uuid.uuid4()
    report = run(org, editor, workbook({"Kontrakter": rows(10)}), import_id=run_id)
    assert report.ok, report.errors
    assert inserted == [4, 4, 2]  # COPY_ROWS at a time, the rest at the end
    names = AuditEntry.objects.filter(group_id=run_id).order_by("pk").values_list(
        "object_repr", flat=True)
    assert list(names) == [f"Kontrakt {n:03d}" for n in range(10)]


def test_a_bad_row_after_streamed_rows_writes_nothing(org, editor, catalog, small_batches):
    audit_before = AuditEntry.objects.count()
    report = run(org, editor, workbook({"Kontrakter": rows(50, bad_row=45)}))
    assert not report.ok
    [error] = report.errors
    assert (error.row, error.column) == (45, "Udløbsdato")
    # Rows went in before the bad one was met, and were rolled back with the rest.
    assert small_batches == [7, 14, 21, 28, 35, 42]
    assert not Contract.objects.filter(organisation=org).exists()
    assert not ContractCoverage.objects.filter(organisation=org).exists()
    assert AuditEntry.objects.count() == audit_before


def test_a_duplicate_the_database_meets_first_is_reported_as_the_row_error(
    org, editor, catalog, small_batches, monkeypatch
):
    # Row 30 repeats row 3's contract number. Its batch reaches the database (whose
    # unique index refuses it) before the engine's check over the whole sheet, which
    # then names both rows; the database's refusal is not what the user sees.
    pipelines = []
    original_init = bulk._Pipeline.__init__

    def remember(self, wrapper):
        original_init(self, wrapper)
        pipelines.append(self)

    monkeypatch.setattr(bulk._Pipeline, "__init__", remember)
    check_unique = engine._check_unique

    def after_the_writer(state, context, report):
        # The writer is usually behind; here it has sent every batch before the check.
        bulk.active_pipeline().jobs.join()
        check_unique(state, context, report)

    monkeypatch.setattr(engine, "_check_unique", after_the_writer)
    report = run(org, editor, workbook({"Kontrakter": rows(50, same_number={30: 3})}))
    [pipeline] = pipelines
    assert "contract_unique_number_per_org" in str(pipeline.error)
    assert not report.ok
    [error] = report.errors
    assert error.row == 30
    assert "række 3" in error.message
    assert small_batches[-1] >= 35  # streaming went on past row 30
    assert not Contract.objects.filter(organisation=org).exists()


def test_a_failure_only_the_database_sees_is_raised_and_writes_nothing(
    org, editor, catalog, small_batches, monkeypatch
):
    original = bulk._copy_statement
    calls = []

    def broken(model, fields, objects):
        statement, text = original(model, fields, objects)
        calls.append(len(objects))
        # The third batch of contracts carries a column too many.
        extra = ",one too many\n" if "FORMAT csv" in statement else "\tone too many\n"
        return statement, text.replace("\n", extra, 1) if len(calls) == 3 else text

    monkeypatch.setattr(bulk, "_copy_statement", broken)
    with pytest.raises(DatabaseError):
        run(org, editor, workbook({"Kontrakter": rows(30)}))
    monkeypatch.setattr(bulk, "_copy_statement", original)
    assert not Contract.objects.filter(organisation=org).exists()
    assert not AuditEntry.objects.filter(source="import").exists()
    # Nothing is left running on the connection, and it takes the next import.
    assert not [t for t in threading.enumerate() if t.name.startswith("kitos-")]
    assert run(org, editor, workbook({"Kontrakter": rows(30)})).ok
    assert Contract.objects.filter(organisation=org).count() == 30


def test_progress_is_reported_from_its_own_thread_while_the_transaction_is_open(
    org, editor, catalog, small_batches, monkeypatch
):
    monkeypatch.setattr(engine, "PROGRESS_EVERY", 10)
    seen = []

    def progress(done, total):
        # Where the callback runs, its writes commit at once (the run page polls them).
        seen.append((done, total, threading.current_thread() is threading.main_thread(),
                     connection.in_atomic_block))

    report = engine.run_import_file(
        actor=editor, organisation=org, content=workbook({"Kontrakter": rows(30)}),
        filename="k.xlsx", commit=True, progress=progress)
    assert report.ok
    assert [(done, total) for done, total, *_ in seen] == [
        (0, 30), (10, 30), (20, 30), (30, 30), (30, 30)]
    beside = seen[1:4]
    assert all(not on_main and not in_atomic for _d, _t, on_main, in_atomic in beside)
    # The first and the last report come from the caller's thread, outside the commit.
    assert seen[0][2] and seen[-1][2]


class FakeCursor:
    """Answers the id reservation as if another session drew ids in between."""

    def __init__(self):
        self.executed = []
        self.answers = [[("contracts_contract_id_seq",)], [(10, 14)], [(10,), (12,), (14,)]]

    def execute(self, sql, params):
        self.executed.append(sql)
        self.rows = self.answers.pop(0)

    def fetchone(self):
        return self.rows[0]

    def fetchall(self):
        return self.rows


def test_ids_are_drawn_one_by_one_when_they_are_not_one_run():
    cursor = FakeCursor()
    assert bulk._reserve_ids(cursor, "contracts_contract", "id", 3) == [10, 12, 14]
    assert len(cursor.executed) == 3


def test_ids_in_one_run_travel_as_a_range():
    with connection.cursor() as cursor:
        ids = bulk._reserve_ids(cursor.cursor, "contracts_contract", "id", 1000)
    assert isinstance(ids, range) and len(ids) == 1000


def _for_another(content: bytes, source, target) -> bytes:
    """The workbook for another organisation: Id columns emptied (every row is new there)
    and the organisation named by its own name (its roles on the organisation itself)."""
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        header = [cell.value for cell in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if header[cell.column - 1] == "Id":
                    cell.value = None
                elif cell.value == source.name:
                    cell.value = target.name
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheets(content: bytes, organisation) -> dict:
    """Every sheet's rows without the Id column, sorted, the organisation's name as X."""
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    sheets = {}
    for sheet in book.worksheets:
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        if rows and "Id" in rows[0]:
            column = rows[0].index("Id")
            rows = [row[:column] + row[column + 1:] for row in rows]
        rows = [["X" if value == organisation.name else value for value in row]
                for row in rows]
        sheets[sheet.title] = sorted(rows[1:], key=repr)
    return sheets


def test_a_streamed_commit_of_every_entity_lands_as_the_plain_one(demo, monkeypatch):
    """The demo organisation's whole export, imported into two new organisations: once
    with streaming off, once streaming every 2 rows in COPYs of 3. Both export alike."""
    from kitos.excel.exporter import export_entities
    from kitos.tenancy import SYSTEM
    from tests.factories import OrganisationFactory

    exported = export_entities(user=SYSTEM, organisation=demo)
    plain, streamed = OrganisationFactory(slug="plain"), OrganisationFactory(slug="streamed")
    calls = []
    original = engine._stream_new

    def spy(state):
        calls.append(state.spec.key)
        return original(state)

    with monkeypatch.context() as patch:
        patch.setattr(engine, "_streamable", lambda spec: False)
        report = engine.run_import_file(
            actor=SYSTEM, organisation=plain, content=_for_another(exported, demo, plain),
            filename="demo.xlsx", commit=True)
    assert report.ok, report.errors[:5]
    monkeypatch.setattr(engine, "STREAM_ROWS", 2)
    monkeypatch.setattr(bulk, "COPY_ROWS", 3)
    monkeypatch.setattr(engine, "_stream_new", spy)
    report = engine.run_import_file(
        actor=SYSTEM, organisation=streamed, content=_for_another(exported, demo, streamed),
        filename="demo.xlsx", commit=True)
    assert report.ok, report.errors[:5]
    assert {"contracts", "persons"} <= set(calls)  # several entities streamed
    assert report.counts["create"] > 1000
    assert _sheets(export_entities(user=SYSTEM, organisation=streamed), streamed) == _sheets(
        export_entities(user=SYSTEM, organisation=plain), plain)


def test_a_forked_process_draws_its_own_uuids():
    """The uuid pool of kitos.db is emptied in a forked child (a Celery or gunicorn
    worker), so parent and child never hand out the same id."""
    import os

    from kitos.db import _pooled_uuid4

    _pooled_uuid4()  # the parent's pool holds ids now
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.write(write, _pooled_uuid4().bytes)
        os._exit(0)
    os.waitpid(pid, 0)
    child = os.read(read, 16)
    parent = {_pooled_uuid4().bytes for _ in range(4096)}
    assert child not in parent


def test_a_writer_that_cannot_start_fails_the_block_instead_of_hanging():
    """Every job is still marked done when the writer has no cursor: the block hears of
    the failure and never waits for ever."""

    class Unusable:
        def cursor(self):
            raise bulk.connection.Database.InterfaceError("connection already closed")

    class Wrapper:
        connection = Unusable()
        wrap_database_errors = bulk.connection.wrap_database_errors

        def ensure_connection(self):
            pass

    outcome = []

    def use_it():
        pipeline = bulk._Pipeline(Wrapper())
        try:
            for _ in range(40):  # more than the queue holds
                pipeline.submit("SELECT 1")
            pipeline.check()
        except Error as error:  # Django's InterfaceError is no DatabaseError
            outcome.append(error)
        finally:
            pipeline.close()
        outcome.append("closed")

    thread = threading.Thread(target=use_it, daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert "connection already closed" in str(outcome[0]) and outcome[-1] == "closed"


HOSTILE_TEXTS = [
    "tab\there", "line\nbreak\r\nand return", "back\\slash \\N", '"quoted", comma;',
    "\\.", "first\n\\.\nlast", "", " spaces ", "æøå ÆØÅ – €", "NULL",
]


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_copy_writes_any_text_exactly(org, text):
    """COPY (CSV, or the text format for a batch with \\.) stores what bulk_create
    would: the text as it is, empty text as '', no value as NULL."""
    from kitos.audit import build_entry
    from kitos.db import new_instance

    contract = new_instance(Contract, organisation=org, name=f"K {text}", notes=text)
    bulk.insert(Contract, [contract])
    stored = Contract.objects.get(pk=contract.pk)
    assert (stored.name, stored.notes, stored.contract_number) == (f"K {text}", text, "")
    assert stored.expiry_date is None and stored.yearly_cost is None
    assert stored.uuid == contract.uuid and stored.created_at is not None
    entry = build_entry(actor=None, action="update", instance=stored,
                        changes={"notes": [text, None], "yearly_cost": ["1.50", "2"]})
    bulk.insert(AuditEntry, [entry])
    stored_entry = AuditEntry.objects.get(pk=entry.pk)
    assert stored_entry.changes == {"notes": [text, None], "yearly_cost": ["1.50", "2"]}
    assert stored_entry.object_repr == f"K {text}" and stored_entry.actor_id is None


def test_copy_chooses_csv_and_falls_back_to_text_for_end_markers(org):
    from kitos.db import new_instance

    fields = [f for f in Contract._meta.concrete_fields if not f.generated]
    plain = [new_instance(Contract, organisation=org, name="Plain")]
    statement, _text = bulk._copy_statement(Contract, fields, plain)
    assert "FORMAT csv" in statement and "FORCE_NOT_NULL" in statement
    marked = [new_instance(Contract, organisation=org, name="a \\. b")]
    statement, _text = bulk._copy_statement(Contract, fields, marked)
    assert "csv" not in statement
