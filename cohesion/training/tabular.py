"""Attendance to and from CSV and XLSX: one format, the same columns both ways.

Columns (`COLUMNS`), in this order:

    session_date, course, organisation, department, staff_reference, name

- session_date: YYYY-MM-DD or DD/MM/YYYY (a real date in XLSX); with `course`
  (the course's title) it names one session the importer can see.
- organisation and department: names, as on the departments page; the person
  importing must be allowed to record the organisation's attendance.
- staff_reference: the organisation's staff id, or a pseudonym; name is optional.

`import_attendance` checks every row first; if any row has a problem nothing is
saved and the errors come back as (row, column, message), row 1 being the
header (row 0: the whole file). A row already recorded is counted as unchanged,
so an exported file imports back with no change.

Text that a spreadsheet would run as a formula (starting = + - @ tab or carriage
return) is exported with a leading apostrophe (`strategies.bulk.neutralise`),
and the importer takes exactly that apostrophe off again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any, Final

from django.db import transaction
from django.db.models import QuerySet

from cohesion.accounts.models import User
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.strategies.bulk import neutralise, unneutralise
from cohesion.training import access, actions
from cohesion.training.models import Attendance, Department, Session

COLUMNS: Final = (
    "session_date",
    "course",
    "organisation",
    "department",
    "staff_reference",
    "name",
)
REQUIRED: Final = ("session_date", "course", "organisation", "department", "staff_reference")
FORMATS: Final = ("csv", "xlsx")
CONTENT_TYPES: Final = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_ROWS: Final = 5000
MAX_BYTES: Final = 10 * 1024 * 1024
SHEET: Final = "Attendance"


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    added: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class FileProblem(ValueError):
    pass


class _Formula(str):
    pass


# --- Export -----------------------------------------------------------------------------


def rows_for(attendances: QuerySet[Attendance]) -> list[list[Any]]:
    qs = attendances.select_related("session__course", "organisation", "department").order_by(
        "session__date", "session__course__title", "organisation__name", "staff_reference"
    )
    return [
        [
            a.session.date,
            a.session.course.title,
            a.organisation.name,
            a.department.name,
            a.staff_reference,
            a.name,
        ]
        for a in qs
    ]


def export_attendance(attendances: QuerySet[Attendance], fmt: str) -> bytes:
    rows = rows_for(attendances)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(
                [v.isoformat() if isinstance(v, dt.date) else neutralise(str(v)) for v in row]
            )
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = SHEET
        sheet.append(list(COLUMNS))
        for row in rows:
            sheet.append([v if isinstance(v, dt.date) else neutralise(str(v)) for v in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text is text, never a formula
                else:
                    cell.number_format = "yyyy-mm-dd"
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    raise ValueError(f"unknown format {fmt!r}")


# --- Reading ----------------------------------------------------------------------------


def _read_csv(content: bytes) -> list[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem("The file is not UTF-8 text: save it as 'CSV UTF-8'") from None
    return [list(r) for r in csv.reader(io.StringIO(text))]


def _read_xlsx(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise FileProblem("The file is not an Excel workbook that can be read") from None
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        rows = []
        for cells in sheet.iter_rows():
            row: list[Any] = []
            for cell in cells:
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", "") == "f":
                    value = _Formula(str(value))
                row.append(value)
            rows.append(row)
        return rows
    finally:
        book.close()


def read_rows(filename: str, content: bytes) -> list[list[Any]]:
    if len(content) > MAX_BYTES:
        raise FileProblem("The file is larger than 10 MB: split it into smaller files")
    name = filename.lower()
    if name.endswith(".xlsx") or content[:4] == b"PK\x03\x04":
        rows = _read_xlsx(content)
    elif name.endswith((".csv", ".txt")) or not name:
        rows = _read_csv(content)
    else:
        raise FileProblem("The file must be a CSV file (.csv) or an Excel workbook (.xlsx)")
    rows = [r for r in rows if any(v not in (None, "") for v in r)]
    if len(rows) > MAX_ROWS + 1:
        raise FileProblem(f"The file has more than {MAX_ROWS:,} rows: split it")
    return rows


class _CellProblem(ValueError):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, _Formula):
        raise _CellProblem("Type the value, not a formula")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return unneutralise(str(value)).strip()


_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        raise _CellProblem("Enter the session date")
    match = _UK_DATE.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _CellProblem(
            f"'{text}' is not a date: write it as 2026-03-31 or 31/03/2026"
        ) from None


# --- Import -----------------------------------------------------------------------------


def import_attendance(*, by: User, filename: str, content: bytes) -> ImportResult:
    result = ImportResult()
    try:
        rows = read_rows(filename, content)
    except FileProblem as problem:
        result.errors.append(RowError(0, "", str(problem)))
        return result
    if not rows:
        result.errors.append(RowError(0, "", "The file is empty"))
        return result
    header = [_text(h).lower().replace(" ", "_") if h is not None else "" for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        result.errors.append(RowError(1, ", ".join(missing), "These columns are missing"))
        return result
    where = {c: header.index(c) for c in COLUMNS if c in header}

    scope = actions.AttendanceScope.of(by)
    sessions: dict[tuple[dt.date, str], Session] = {}
    for known in access.sessions_visible_to(by).select_related("course"):
        sessions.setdefault((known.date, known.course.title.strip().lower()), known)
    managed = {o.name.strip().lower(): o for o in access.organisations_managed(by)}
    departments = {
        (d.organisation_id, d.name.strip().lower()): d
        for d in Department.objects.filter(organisation__in=[o.id for o in managed.values()])
    }

    planned: list[tuple[Session, Department, str, str]] = []
    seen: set[tuple[int, int, str]] = set()
    for number, raw in enumerate(rows[1:], start=2):
        cells = {c: (raw[i] if i < len(raw) else None) for c, i in where.items()}
        values: dict[str, str] = {}
        problems: list[RowError] = []
        for column in COLUMNS:
            if column == "session_date" or column not in cells:
                continue
            try:
                values[column] = _text(cells[column])
            except _CellProblem as problem:
                problems.append(RowError(number, column, str(problem)))
        date: dt.date | None = None
        try:
            date = _date(cells["session_date"])
        except _CellProblem as problem:
            problems.append(RowError(number, "session_date", str(problem)))
        for column in REQUIRED:
            if column != "session_date" and column in values and not values[column]:
                problems.append(RowError(number, column, f"Enter the {column.replace('_', ' ')}"))
        if problems:
            result.errors.extend(problems)
            continue
        assert date is not None
        session = sessions.get((date, values["course"].lower()))
        if session is None:
            result.errors.append(
                RowError(
                    number,
                    "course",
                    f"No session of '{values['course']}' on {date:%d/%m/%Y}: add the session first",
                )
            )
        organisation = managed.get(values["organisation"].lower())
        if organisation is None:
            result.errors.append(
                RowError(
                    number,
                    "organisation",
                    f"'{values['organisation']}' is not an organisation whose attendance you record",
                )
            )
            continue
        department = departments.get((organisation.id, values["department"].lower()))
        if department is None:
            result.errors.append(
                RowError(
                    number,
                    "department",
                    f"'{values['department']}' is not a department of {organisation.name}",
                )
            )
            continue
        if session is None:
            continue
        reference, name = values["staff_reference"], values.get("name", "")
        shared = actions.attendance_problems(
            scope=scope,
            session=session,
            department=department,
            staff_reference=reference,
            name=name,
        )
        if shared:
            result.errors.extend(
                RowError(number, "course" if column == "session" else column, message)
                for column, message in shared.items()
            )
            continue
        key = (session.id, organisation.id, reference.lower())
        if key in seen:
            result.errors.append(
                RowError(
                    number, "staff_reference", "This person is already in the file for this session"
                )
            )
            continue
        seen.add(key)
        planned.append((session, department, reference, name))

    if result.errors:
        return result
    with transaction.atomic():
        existing = {
            (a.session_id, a.organisation_id, a.staff_reference.lower())
            for a in Attendance.objects.filter(session__in={s.id for s, *_ in planned})
        }
        for session, department, reference, name in planned:
            if (session.id, department.organisation_id, reference.lower()) in existing:
                result.unchanged += 1
                continue
            actions.add_attendance(
                by=by,
                session=session,
                department=department,
                staff_reference=reference,
                name=name,
                audit=False,
            )
            result.added += 1
        record(
            action=AuditAction.TRAINING_ATTENDANCE_IMPORTED,
            by=by,
            detail={"filename": filename, "added": result.added, "unchanged": result.unchanged},
        )
    return result
