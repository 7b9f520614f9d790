"""Bulk edit of a strategy's actions: one CSV/XLSX format, the same columns both ways.

The behaviour copies Decidim's results importer (standards.md §3): rows are
upserted by `id` (the action's uuid; a blank id adds a new action), the whole
file is one transaction so any invalid row leaves everything unchanged, and the
errors come back as (row number, column, message). A file exported here
imports back with no changes, so an officer can export, edit in a spreadsheet
and import.

Public functions (the pages, the API and the command line call these; keep them stable):

- `export_actions(strategy, actions_qs, fmt, *, by=None) -> bytes`: the actions in
  `actions_qs` that belong to `strategy`, as "csv" (UTF-8 with a byte-order mark so
  Excel reads accents) or "xlsx". Records ACTIONS_EXPORTED. Pass
  `access.actions_visible_to(user)` (or the strategy's actions) as `actions_qs`.
- `import_actions(*, by, strategy, filename, content, today=None) -> ImportResult`:
  validates every row, then creates and updates in one transaction through
  `actions.create_action` / `actions.update_action` (channel IMPORT), so each change
  is a dated `ActionUpdate` by `by`. Returns the counts, or the errors and changes
  nothing. Raises `PermissionDenied` if `by` may not update actions in this
  strategy at all. A row that would change an action `by` may not update (a
  partner: another organisation's action) is a row error; such rows left as
  exported are skipped, so a partner can re-import the whole strategy's export.
  Records ACTIONS_IMPORTED.
- `export_filename(strategy, fmt) -> str`, `CONTENT_TYPES[fmt]`, `FORMATS`, `COLUMNS`.

The columns (`COLUMNS`), in this order:

    id, plan, reference, title, description, owner, lead_name, objectives,
    starts_on, due_on, status, rag, forecast_rag, progress, commentary,
    corrective_action, completed_on, weight, public_summary, commentary_is_public, version

- plan: the plan's title (its uuid when two plans share a title); owner: the
  organisation's name; objectives: the objectives' codes separated by ";".
- status and RAG are written as words ("In progress", "Amber") and read as the
  words, the codes ("in_progress", "amber") or the full label, in any case.
- Dates are written YYYY-MM-DD (real dates in XLSX) and read as YYYY-MM-DD or DD/MM/YYYY.
- commentary_is_public: "yes" or "no".
- version: the action's version when exported. A row whose action has been
  changed by someone else since is refused rather than overwriting their change.
- Every column except `id` may be left out of an imported file: a missing column
  leaves that field as it is (a new action takes the default). A blank cell in a
  column that is present clears the field; for a new action, a blank plan means the
  one plan the person may add to, a blank owner the plan's organisation, a blank
  status "not started".
- As in `actions.update_action`, a status sets its default progress (complete 100,
  not started 0), and a new status drops a RAG or completion date the file leaves out.
- Rows that change nothing are counted as unchanged and leave no history.
- Errors: `RowError(row, column, message)`; row 1 is the header, row 0 the whole file.
  At most 5,000 rows and 10 MB; a cell holding a spreadsheet formula is refused.

Text that a spreadsheet would run as a formula (starting = + - @ tab or carriage
return; OWASP "CSV injection") is written with a leading apostrophe; so is text
that itself starts with an apostrophe. The importer takes exactly one such
apostrophe off again, so a round trip is exact.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from cohesion.accounts.models import Organisation, User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.strategies import rules
from cohesion.strategies.access import (
    can_edit_plan,
    can_manage_strategy,
    can_update_action,
    strategies_visible_to,
)
from cohesion.strategies.choices import Rag, Status, UpdateChannel
from cohesion.strategies.models import Action, ActionPlan, Objective, Strategy

FORMATS: Final = ("csv", "xlsx")
CONTENT_TYPES: Final = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
COLUMNS: Final = (
    "id",
    "plan",
    "reference",
    "title",
    "description",
    "owner",
    "lead_name",
    "objectives",
    "starts_on",
    "due_on",
    "status",
    "rag",
    "forecast_rag",
    "progress",
    "commentary",
    "corrective_action",
    "completed_on",
    "weight",
    "public_summary",
    "commentary_is_public",
    "version",
)
SHEET: Final = "Actions"
MAX_ROWS: Final = 5000
MAX_BYTES: Final = 10 * 1024 * 1024
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
OBJECTIVE_SEPARATOR: Final = ";"

# Plain text fields: compared after normalising line endings and outer spaces, so a
# spreadsheet's own tidying does not count as a change.
TEXT_FIELDS: Final = (
    "reference",
    "title",
    "description",
    "lead_name",
    "commentary",
    "corrective_action",
    "public_summary",
)
MAX_LENGTHS: Final = {"reference": 30, "title": 400, "lead_name": 200}
DATE_FIELDS: Final = ("starts_on", "due_on", "completed_on")
YES: Final = {"yes", "y", "true", "1"}
NO: Final = {"no", "n", "false", "0", ""}

# What a blank-id row starts from when a column is left out of the file.
NEW_DEFAULTS: Final[dict[str, Any]] = {
    "reference": "",
    "description": "",
    "lead_name": "",
    "objectives": [],
    "starts_on": None,
    "due_on": None,
    "status": Status.NOT_STARTED.value,
    "rag": "",
    "forecast_rag": "",
    "progress": 0,
    "commentary": "",
    "corrective_action": "",
    "completed_on": None,
    "weight": Decimal(1),
    "public_summary": "",
    "commentary_is_public": False,
}


# --- Results -------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem in an imported file. Row 1 is the header row; 0 means the whole file."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row == 0:
            return self.message
        if not self.column:
            return f"Row {self.row}: {self.message}"
        return f"Row {self.row}, column {self.column}: {self.message}"


@dataclass
class ImportResult:
    """What an import did, or why it did nothing (`errors` not empty: nothing changed)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# --- Cells ---------------------------------------------------------------------------


def neutralise(value: str) -> str:
    """Stop a spreadsheet running text as a formula; `unneutralise` undoes it exactly."""
    if value.startswith((*FORMULA_STARTS, "'")):
        return "'" + value
    return value


def unneutralise(value: str) -> str:
    """Take off the apostrophe `neutralise` added (and only that one)."""
    if len(value) >= 2 and value[0] == "'" and value[1] in (*FORMULA_STARTS, "'"):
        return value[1:]
    return value


def _same_text(a: str, b: str) -> bool:
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


def _status_word(status: str) -> str:
    return Status(status).label if status in Status.values else status


def _rag_word(rag: str) -> str:
    # "Green" rather than the whole label ("Green - on track"): short, and typed easily.
    return rag.capitalize()


def _choice_lookup(choices: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Value by every spelling a person may type: the code, the label, the code with spaces."""
    lookup: dict[str, str] = {}
    for value, label in choices:
        for spelling in (value, label, value.replace("_", " ")):
            lookup[spelling.strip().lower()] = value
    return lookup


STATUS_LOOKUP: Final = _choice_lookup(Status.choices)
RAG_LOOKUP: Final = _choice_lookup(Rag.choices)


# --- Export --------------------------------------------------------------------------


def _export_queryset(strategy: Strategy, actions_qs: QuerySet[Action]) -> QuerySet[Action]:
    return (
        actions_qs.filter(strategy=strategy)
        .select_related("plan", "owner")
        .prefetch_related(
            Prefetch("objectives", queryset=Objective.objects.order_by("order", "code"))
        )
        .order_by("plan__starts_on", "plan__title", "plan_id", "reference", "pk")
    )


def _plan_labels(strategy: Strategy) -> dict[int, str]:
    """Each plan's title, or its uuid when another plan has the same title."""
    plans = list(strategy.plans.all())
    seen: dict[str, int] = {}
    for plan in plans:
        key = plan.title.strip().lower()
        seen[key] = seen.get(key, 0) + 1
    return {p.pk: (p.title if seen[p.title.strip().lower()] == 1 else str(p.uuid)) for p in plans}


def _export_row(action: Action, plan_label: str) -> list[Any]:
    """One row: text as text, dates as dates, numbers as numbers (cells for the writer)."""
    return [
        str(action.uuid),
        plan_label,
        action.reference,
        action.title,
        action.description,
        action.owner.name,
        action.lead_name,
        OBJECTIVE_SEPARATOR.join(o.code for o in action.objectives.all()),
        action.starts_on,
        action.due_on,
        _status_word(action.status),
        _rag_word(action.rag),
        _rag_word(action.forecast_rag),
        action.progress,
        action.commentary,
        action.corrective_action,
        action.completed_on,
        action.weight,
        action.public_summary,
        "yes" if action.commentary_is_public else "no",
        action.version,
    ]


def export_rows(strategy: Strategy, actions_qs: QuerySet[Action]) -> list[list[Any]]:
    """The header and one row per action, as typed cells (before neutralising)."""
    labels = _plan_labels(strategy)
    rows: list[list[Any]] = [list(COLUMNS)]
    for action in _export_queryset(strategy, actions_qs):
        rows.append(_export_row(action, labels.get(action.plan_id, str(action.plan.uuid))))
    return rows


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def _to_csv(rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    # The byte-order mark makes Excel read the file as UTF-8 (names with accents).
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _to_xlsx(strategy: Strategy, rows: Sequence[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    for values in rows:
        typed: list[Any] = []
        for value in values:
            if isinstance(value, str):
                value = neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
            elif isinstance(value, Decimal):
                value = float(value) if value != value.to_integral() else int(value)
            typed.append(value)
        sheet.append(typed)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            # Text is text, never a formula, whatever a later edit makes of it.
            if isinstance(cell.value, str):
                cell.data_type = "s"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = {"id": 38, "title": 50, "description": 50, "commentary": 50, "plan": 30}
    for index, heading in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = widths.get(heading, max(len(heading) + 2, 14))
    # Drop-down lists where the choices are fixed; typed values are still checked on import.
    last = max(len(rows), 2) + 500
    lists = {
        "status": [s.label for s in Status],
        "rag": [r.value.capitalize() for r in Rag],
        "forecast_rag": [r.value.capitalize() for r in Rag],
        "commentary_is_public": ["yes", "no"],
    }
    for name, values in lists.items():
        letter = get_column_letter(COLUMNS.index(name) + 1)
        check = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        check.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(check)
    _choices_sheet(book, strategy)
    book.properties.title = f"{strategy.title}: actions"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _choices_sheet(book: Any, strategy: Strategy) -> None:
    """A second sheet listing what the columns accept; the importer reads only the first."""
    from openpyxl.styles import Font

    sheet = book.create_sheet("Choices")
    sheet.append(["What", "Value", "Meaning"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for status in Status:
        sheet.append(["status", status.label, ""])
    for rag in Rag:
        sheet.append(["rag", rag.value.capitalize(), rag.label])
    for objective in strategy.objectives.all():
        sheet.append(["objectives", neutralise(objective.code), neutralise(objective.title)])
    for plan in strategy.plans.select_related("organisation"):
        sheet.append(["plan", neutralise(plan.title), str(plan.uuid)])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 60


def export_actions(
    strategy: Strategy, actions_qs: QuerySet[Action], fmt: str, *, by: User | None = None
) -> bytes:
    """The file: `fmt` is "csv" or "xlsx". Records ACTIONS_EXPORTED (by None = the system)."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}: use csv or xlsx")
    rows = export_rows(strategy, actions_qs)
    content = _to_csv(rows) if fmt == "csv" else _to_xlsx(strategy, rows)
    record(
        action=AuditAction.ACTIONS_EXPORTED,
        by=by,
        target=strategy,
        detail={"format": fmt, "rows": len(rows) - 1},
    )
    return content


def export_filename(strategy: Strategy, fmt: str) -> str:
    return f"{strategy.slug}-actions-{timezone.localdate().isoformat()}.{fmt}"


# --- Reading files -------------------------------------------------------------------


class _FileProblem(Exception):
    pass


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's "CSV" (not "CSV UTF-8") saves in the Windows code page.
        return content.decode("cp1252", errors="replace")


def _read_csv(content: bytes) -> list[list[Any]]:
    reader = csv.reader(io.StringIO(_decode(content), newline=""))
    try:
        return list(reader)
    except csv.Error as error:
        raise _FileProblem(f"The file is not a CSV file that can be read: {error}") from None


def _read_xlsx(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise _FileProblem(f"The file is not an Excel workbook that can be read: {error}") from None
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        rows: list[list[Any]] = []
        filled = 0
        for cells in sheet.iter_rows():
            row: list[Any] = []
            for cell in cells:
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", "") == "f":
                    value = _Formula(str(value))
                row.append(value)
            rows.append(row)
            filled += not all(_blank(v) for v in row)
            if filled > MAX_ROWS + 1:
                raise _FileProblem(f"The file has more than {MAX_ROWS:,} rows: split it")
        return rows
    finally:
        book.close()


class _Formula(str):
    """A cell holding a formula: refused, since the file must hold values."""


def read_rows(filename: str, content: bytes) -> list[list[Any]]:
    """Every row of the file, header first, as cell values (str for CSV, typed for XLSX)."""
    if len(content) > MAX_BYTES:
        raise _FileProblem("The file is larger than 10 MB: split it into smaller files")
    name = filename.lower()
    if name.endswith(".xlsx") or content[:4] == b"PK\x03\x04":
        return _read_xlsx(content)
    if name.endswith((".csv", ".txt")) or not name:
        return _read_csv(content)
    raise _FileProblem("The file must be a CSV file (.csv) or an Excel workbook (.xlsx)")


# --- Parsing cells -------------------------------------------------------------------


class _CellProblem(ValueError):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, _Formula):
        raise _CellProblem("Type the value, not a formula")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return unneutralise(str(value))


_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10]) if len(text) >= 10 else dt.date.fromisoformat(text)
    except ValueError:
        pass
    match = _UK_DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            pass
    raise _CellProblem(f"{text!r} is not a date: use YYYY-MM-DD, like 2026-03-14")


def _whole_number(value: Any, *, what: str) -> int:
    if isinstance(value, bool):
        raise _CellProblem(f"{what} must be a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value).strip().rstrip("%").strip()
    try:
        return int(text)
    except ValueError:
        raise _CellProblem(f"{what} must be a whole number, like 40") from None


def _choice(value: Any, lookup: dict[str, str], *, what: str, words: Sequence[str]) -> str:
    text = _text(value).strip()
    if not text:
        return ""
    found = lookup.get(text.lower())
    if found is None:
        raise _CellProblem(f"{text!r} is not a {what}: use one of {', '.join(words)}")
    return found


def _weight(value: Any) -> Decimal:
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = str(value)
    else:
        text = _text(value).strip()
    if not text:
        return Decimal(1)
    try:
        weight = Decimal(text)
    except InvalidOperation:
        raise _CellProblem("The weight must be a number, like 1 or 2.5") from None
    if not weight.is_finite() or weight < 0 or weight >= Decimal(100000):
        raise _CellProblem("The weight must be a number from 0 to 99999.99")
    if weight != weight.quantize(Decimal("0.01")):
        raise _CellProblem("The weight can have at most two decimal places")
    return weight


def _yes_no(value: Any) -> bool:
    text = _text(value).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise _CellProblem("Enter yes or no")


# --- Import --------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    action: Action | None
    plan: ActionPlan | None
    data: dict[str, Any]
    version: int | None


@dataclass
class _Context:
    by: User
    strategy: Strategy
    today: dt.date
    manager: bool
    actions: dict[uuid.UUID, Action]
    objective_codes: dict[int, list[str]]
    plans_by_uuid: dict[str, ActionPlan]
    plans_by_title: dict[str, list[ActionPlan]]
    objectives: dict[str, Objective]
    organisations: dict[str, Organisation]


def _context(by: User, strategy: Strategy, today: dt.date) -> _Context:
    actions = {
        a.uuid: a
        for a in Action.objects.filter(strategy=strategy).select_related(
            "plan", "owner", "strategy", "strategy__owner"
        )
    }
    codes: dict[int, list[str]] = {}
    tags = Action.objectives.through.objects.filter(action__strategy=strategy)
    for action_id, code in tags.values_list("action_id", "objective__code"):
        codes.setdefault(action_id, []).append(code)
    plans = list(strategy.plans.select_related("strategy", "strategy__owner", "organisation"))
    by_title: dict[str, list[ActionPlan]] = {}
    for plan in plans:
        by_title.setdefault(plan.title.strip().lower(), []).append(plan)
    return _Context(
        by=by,
        strategy=strategy,
        today=today,
        manager=can_manage_strategy(by, strategy),
        actions=actions,
        objective_codes=codes,
        plans_by_uuid={str(p.uuid): p for p in plans},
        plans_by_title=by_title,
        objectives={o.code.strip().lower(): o for o in strategy.objectives.all()},
        organisations={o.name.strip().lower(): o for o in Organisation.objects.all()},
    )


def _current(action: Action, ctx: _Context) -> dict[str, Any]:
    """The action's fields as the importer compares them."""
    values: dict[str, Any] = {
        name: getattr(action, name)
        for name in (*TEXT_FIELDS, *DATE_FIELDS, "status", "rag", "forecast_rag", "progress")
    }
    values["owner"] = action.owner
    values["weight"] = action.weight
    values["commentary_is_public"] = action.commentary_is_public
    values["objectives"] = sorted(ctx.objective_codes.get(action.pk, []))
    return values


def _header(raw: list[Any]) -> tuple[list[str], list[RowError]]:
    errors: list[RowError] = []
    header: list[str] = []
    for index, cell in enumerate(raw, start=1):
        name = _text(cell).strip().lower() if not isinstance(cell, _Formula) else ""
        if name and name not in COLUMNS:
            errors.append(
                RowError(1, name, f"Unknown column {name!r}: the columns are {', '.join(COLUMNS)}")
            )
        elif name and name in header:
            errors.append(RowError(1, name, f"The column {name!r} appears twice"))
        header.append(name or f"#{index}")
    if "id" not in header:
        errors.append(RowError(1, "id", "The file needs an id column (blank for new actions)"))
    return header, errors


def _parse_row(
    number: int, cells: dict[str, Any], ctx: _Context, seen: dict[uuid.UUID, int]
) -> tuple[_Row | None, list[RowError]]:
    errors: list[RowError] = []

    def problem(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    def text_of(column: str) -> str | None:
        """The cell's text; None (and an error) for a formula."""
        try:
            return _text(cells.get(column)).strip()
        except _CellProblem as error:
            problem(column, str(error))
            return None

    for name, value in cells.items():
        if name.startswith("#") and value is not None and str(value).strip():
            problem("", f"Column {name[1:]} has a value but no heading: remove it or name it")

    # Which action: blank id adds one; an id must be an action of this strategy.
    action: Action | None = None
    id_text = text_of("id")
    if id_text is None:
        return None, errors
    if id_text:
        try:
            action_uuid = uuid.UUID(id_text)
        except ValueError:
            problem("id", f"{id_text!r} is not an action id: leave id blank to add a new action")
            return None, errors
        action = ctx.actions.get(action_uuid)
        if action is None:
            problem(
                "id",
                "No action in this strategy has this id: it may belong to another strategy. "
                "Leave id blank to add a new action",
            )
            return None, errors
        if action_uuid in seen:
            problem("id", f"This action is already in row {seen[action_uuid]}: keep one row")
            return None, errors
        seen[action_uuid] = number

    base = _current(action, ctx) if action is not None else dict(NEW_DEFAULTS)
    values = dict(base)

    def read(column: str, parse: Any) -> None:
        if column not in cells:
            return
        try:
            values[column] = parse(cells[column])
        except _CellProblem as error:
            problem(column, str(error))

    for name in TEXT_FIELDS:
        read(name, lambda v: _text(v).strip())
    for name in DATE_FIELDS:
        read(name, _date)
    read(
        "status",
        lambda v: _choice(v, STATUS_LOOKUP, what="status", words=[s.label.lower() for s in Status]),
    )
    if action is None and not values["status"]:
        values["status"] = Status.NOT_STARTED.value  # a new action may leave it blank
    for name in ("rag", "forecast_rag"):
        read(
            name,
            lambda v: _choice(
                v, RAG_LOOKUP, what="RAG rating", words=["green", "amber", "red", "blank"]
            ),
        )
    read("progress", lambda v: 0 if not _text(v).strip() else _whole_number(v, what="Progress"))
    read("weight", _weight)
    read("commentary_is_public", _yes_no)
    version: int | None = None
    if "version" in cells and text_of("version"):
        try:
            version = _whole_number(cells["version"], what="The version")
        except _CellProblem as error:
            problem("version", str(error))

    # Plan: for a new action, where it goes; an existing action stays in its plan.
    plan: ActionPlan | None = action.plan if action is not None else None
    plan_text = text_of("plan") if "plan" in cells else None
    if plan_text is not None:
        if plan_text:
            matches = (
                [ctx.plans_by_uuid[plan_text]]
                if plan_text in ctx.plans_by_uuid
                else ctx.plans_by_title.get(plan_text.lower(), [])
            )
            if not matches:
                problem("plan", f"No plan in this strategy is called {plan_text!r}")
            elif len(matches) > 1:
                problem("plan", f"More than one plan is called {plan_text!r}: use the plan's id")
            elif action is not None and matches[0].pk != action.plan_id:
                problem(
                    "plan",
                    "An import cannot move an action to another plan: "
                    f"put back {_plan_label(action.plan, ctx)!r} or add it as a new action",
                )
            else:
                plan = matches[0]
        elif action is not None:
            problem("plan", "Enter the plan, or leave the row as exported")
    if action is None and plan is None and not any(e.column == "plan" for e in errors):
        editable = [p for ps in ctx.plans_by_title.values() for p in ps if can_edit_plan(ctx.by, p)]
        if len(editable) == 1:
            plan = editable[0]
        else:
            problem("plan", "Enter the title of the plan the new action belongs to")
    if action is None and plan is not None and not can_edit_plan(ctx.by, plan):
        problem("plan", "You can only add actions to your own organisation's plan")

    # Owner organisation, by name.
    owner_text = text_of("owner") if "owner" in cells else None
    if owner_text is not None:
        if owner_text:
            owner = ctx.organisations.get(owner_text.lower())
            if owner is None:
                problem("owner", f"No organisation is called {owner_text!r}")
            else:
                values["owner"] = owner
        elif action is not None:
            problem("owner", "Enter the name of the organisation that owns the action")
    if action is None and "owner" not in values and plan is not None:
        values["owner"] = plan.organisation
    owner_value = values.get("owner")
    if (
        owner_text  # a default from the plan is already checked with the plan
        and isinstance(owner_value, Organisation)
        and not ctx.manager
        and owner_value.pk != ctx.by.organisation_id
        and (action is None or owner_value.pk != action.owner_id)
    ):
        problem("owner", "You can only give actions to your own organisation")

    # Objectives, by code.
    objectives_text = text_of("objectives") if "objectives" in cells else None
    if objectives_text is not None:
        codes: list[str] = []
        for code in (c.strip() for c in objectives_text.split(OBJECTIVE_SEPARATOR)):
            if not code:
                continue
            objective = ctx.objectives.get(code.lower())
            if objective is None:
                problem("objectives", f"This strategy has no objective {code!r}")
            elif objective.code not in codes:
                codes.append(objective.code)
        values["objectives"] = sorted(codes)

    if action is None and not values.get("title"):
        problem("title", "Enter the action's title")
    for name, limit in MAX_LENGTHS.items():
        if len(values.get(name) or "") > limit:
            problem(name, f"Keep the {name.replace('_', ' ')} to {limit} characters or fewer")

    # As `actions.update_action` does: the status sets its default progress (Decidim),
    # and a new status drops a RAG or completion date the file does not mention.
    if "status" in cells and values["status"] != base["status"]:
        if values["status"] != Status.IN_PROGRESS and "rag" not in cells:
            values["rag"] = ""
        if values["status"] != Status.COMPLETE and "completed_on" not in cells:
            values["completed_on"] = None
    values["progress"] = rules.default_progress(values["status"], values["progress"])
    if not errors and action is not None:
        changed = _changes(base, values)
        if not changed:
            return _Row(number, action, plan, {}, version), errors  # left as exported
        # A partner re-importing the whole strategy's export may leave others' rows as
        # they were; changing one is refused.
        if not can_update_action(ctx.by, action):
            problem("id", "You can only change actions your organisation owns")
            return None, errors
        if version is not None and version != action.version:
            problem(
                "version",
                f"Someone changed this action after the file was exported (it is now version "
                f"{action.version}, the file has {version}): export again and redo this row",
            )
            return None, errors

    bad_columns = {e.column for e in errors}
    state = rules.ActionState(
        status=values["status"],
        rag=values["rag"],
        progress=values["progress"],
        corrective_action=values["corrective_action"],
        commentary=values["commentary"],
        completed_on=values["completed_on"],
        starts_on=values["starts_on"],
        due_on=values["due_on"],
    )
    for name, message in rules.action_problems(state, today=ctx.today).items():
        if name not in bad_columns:
            problem(name, message)
    if errors:
        return None, errors
    data = values if action is None else _changes(base, values)
    return _Row(number, action, plan, data, version), errors


def _plan_label(plan: ActionPlan, ctx: _Context) -> str:
    same = ctx.plans_by_title.get(plan.title.strip().lower(), [])
    return plan.title if len(same) == 1 else str(plan.uuid)


def _changes(base: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    changed: dict[str, Any] = {}
    for name, value in values.items():
        before = base.get(name)
        if name in TEXT_FIELDS:
            if _same_text(str(before or ""), str(value or "")):
                continue
        elif name == "owner":
            if before is not None and value is not None and before.pk == value.pk:
                continue
        elif before == value:
            continue
        changed[name] = value
    return changed


def _for_action(row: _Row, ctx: _Context) -> dict[str, Any]:
    """The `data` dict for create_action / update_action: objectives as Objective rows."""
    data = dict(row.data)
    if "objectives" in data:
        data["objectives"] = [ctx.objectives[code.lower()] for code in data["objectives"]]
    return data


@dataclass
class _Parsed:
    rows: list[_Row]
    errors: list[RowError]
    count: int
    ctx: _Context | None = None


def _blank(value: Any) -> bool:
    return value is None or (not isinstance(value, _Formula) and not str(value).strip())


def parse(
    *, by: User, strategy: Strategy, filename: str, content: bytes, today: dt.date
) -> _Parsed:
    """Every row checked, nothing written: the rows to apply, the errors, rows read."""
    try:
        raw = read_rows(filename, content)
    except _FileProblem as error:
        return _Parsed([], [RowError(0, "", str(error))], 0)
    while raw and all(_blank(v) for v in raw[-1]):
        raw.pop()
    if not raw:
        message = "The file is empty: it needs a header row and actions"
        return _Parsed([], [RowError(0, "", message)], 0)
    if sum(1 for row in raw if not all(_blank(v) for v in row)) > MAX_ROWS + 1:
        message = f"The file has more than {MAX_ROWS:,} rows: split it"
        return _Parsed([], [RowError(0, "", message)], 0)
    header, errors = _header(raw[0])
    if errors:
        return _Parsed([], errors, 0)
    ctx = _context(by, strategy, today)
    rows: list[_Row] = []
    seen: dict[uuid.UUID, int] = {}
    count = 0
    for number, raw_row in enumerate(raw[1:], start=2):
        if all(_blank(v) for v in raw_row):
            continue  # blank lines between blocks of actions are harmless
        count += 1
        if not all(_blank(v) for v in raw_row[len(header) :]):
            errors.append(RowError(number, "", "The row has more cells than the header row"))
            continue
        cells = dict(zip(header, raw_row, strict=False))
        # A short CSV row (trailing cells omitted) means blanks, not "column missing".
        for name in header[len(raw_row) :]:
            cells[name] = ""
        row, row_errors = _parse_row(number, cells, ctx, seen)
        errors.extend(row_errors)
        if row is not None:
            rows.append(row)
    if count == 0 and not errors:
        errors.append(RowError(0, "", "The file has a header row but no actions"))
    return _Parsed(rows, errors, count, ctx)


def import_actions(
    *,
    by: User,
    strategy: Strategy,
    filename: str,
    content: bytes,
    today: dt.date | None = None,
) -> ImportResult:
    """Create and update the file's actions, all or nothing. See the module docstring."""
    from cohesion.strategies import actions as domain

    if not (
        strategies_visible_to(by).filter(pk=strategy.pk).exists()
        and (
            can_manage_strategy(by, strategy)
            or (has_permission(by, Permission.ACTION_UPDATE) and by.organisation_id is not None)
        )
    ):
        raise PermissionDenied("You cannot update actions in this strategy")
    today = today or timezone.localdate()
    parsed = parse(by=by, strategy=strategy, filename=filename, content=content, today=today)
    result = ImportResult(rows=parsed.count, errors=parsed.errors)
    if result.errors or parsed.ctx is None:
        return result
    ctx = parsed.ctx
    with transaction.atomic():
        for row in parsed.rows:
            if row.action is not None and not row.data:
                result.unchanged += 1
                continue
            try:
                # A savepoint per row: a database error is reported against its row.
                with transaction.atomic():
                    if row.action is None:
                        assert row.plan is not None
                        domain.create_action(
                            by=by,
                            plan=row.plan,
                            data=_for_action(row, ctx),
                            channel=UpdateChannel.IMPORT,
                        )
                        result.created += 1
                    else:
                        domain.update_action(
                            by=by,
                            action=row.action,
                            data=_for_action(row, ctx),
                            expected_version=row.version,
                            channel=UpdateChannel.IMPORT,
                        )
                        result.updated += 1
            except domain.ActionInvalid as error:
                problems = error.problems or {"": str(error)}
                result.errors.extend(RowError(row.number, k, v) for k, v in problems.items())
            except domain.StaleAction:
                result.errors.append(
                    RowError(
                        row.number,
                        "version",
                        "Someone changed this action meanwhile: export again and redo this row",
                    )
                )
            except PermissionDenied:
                result.errors.append(
                    RowError(row.number, "id", "You can only change actions your organisation owns")
                )
            except DatabaseError as error:
                result.errors.append(RowError(row.number, "", f"Could not be saved: {error}"))
        if result.errors:
            transaction.set_rollback(True)
            result.created = result.updated = result.unchanged = 0
            return result
        record(
            action=AuditAction.ACTIONS_IMPORTED,
            by=by,
            target=strategy,
            detail={
                "filename": filename[:200],
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
        )
    return result
