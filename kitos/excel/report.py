"""What an import found: per row create / update / unchanged / error with the field
changes, every error with its sheet, row and column, and the totals. Stored as JSON on
the ImportRun, so it must stay bounded for a 100,000-row file: every error is kept (up
to ``MAX_ERRORS``), but row details only for the first ``MAX_ROW_DETAILS`` rows that
create, change or fail; unchanged rows are only counted."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

ACTIONS = ("create", "update", "unchanged", "error")
MAX_ROW_DETAILS = 2000
MAX_ERRORS = 10000


@dataclass
class Issue:
    """An error or warning: where (sheet, Excel row, column header and 0-based index,
    each when known) and a Danish message."""

    sheet: str
    row: int | None
    column: str | None
    column_index: int | None
    message: str

    def __post_init__(self):
        self.message = str(self.message)


@dataclass
class RowResult:
    """What one row does: ``changes`` are (field label, old text, new text)."""

    sheet: str
    row: int
    entity: str
    entity_label: str
    action: str
    label: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def __post_init__(self):
        # Labels come from specs as lazy translations; the report is stored as JSON.
        self.entity_label = str(self.entity_label)
        self.label = str(self.label)


def empty_counts() -> dict:
    return {action: 0 for action in ACTIONS}


@dataclass
class ImportReport:
    ok: bool = True
    rows: list[RowResult] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    # {"create": n, "update": n, "unchanged": n, "error": n,
    #  "entities": {entity key: {same four}}}
    counts: dict = field(default_factory=lambda: {**empty_counts(), "entities": {}})
    # Rows and errors left out of the stored details (only counted).
    rows_omitted: int = 0
    errors_omitted: int = 0

    def add_row(self, row: RowResult) -> None:
        if row.action == "unchanged" or not self.keeps_row_details():
            self.count_row(row.entity, row.action)
            return
        self._count(row.entity, row.action)
        self.rows.append(row)

    def keeps_row_details(self) -> bool:
        """Whether a changed row's details would still be stored (else only counted)."""
        return len(self.rows) < MAX_ROW_DETAILS

    def count_row(self, entity: str, action: str) -> None:
        """Count a row without storing its details (unchanged rows, and every row once
        ``MAX_ROW_DETAILS`` are stored): the cheap path for large files."""
        self._count(entity, action)
        if action != "unchanged":
            self.rows_omitted += 1

    def _count(self, entity: str, action: str) -> None:
        self.counts[action] += 1
        entity_counts = self.counts["entities"].get(entity)
        if entity_counts is None:
            entity_counts = self.counts["entities"][entity] = empty_counts()
        entity_counts[action] += 1

    def add_error(self, issue: Issue) -> None:
        self.ok = False
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(issue)
        else:
            self.errors_omitted += 1

    def add_warning(self, issue: Issue) -> None:
        self.warnings.append(issue)

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_omitted

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict | None) -> ImportReport:
        data = data or {}
        report = cls(
            ok=data.get("ok", True),
            rows=[
                RowResult(**{**row, "changes": [tuple(c) for c in row.get("changes", [])]})
                for row in data.get("rows", [])
            ],
            errors=[Issue(**issue) for issue in data.get("errors", [])],
            warnings=[Issue(**issue) for issue in data.get("warnings", [])],
            rows_omitted=data.get("rows_omitted", 0),
            errors_omitted=data.get("errors_omitted", 0),
        )
        if data.get("counts"):
            report.counts = data["counts"]
        return report
