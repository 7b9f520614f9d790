"""The projects register as CSV or XLSX.

Columns (`COLUMNS`): id, title, description, activity_type, delivery_method,
primary_beneficiaries, priorities (separated by ";"), area, area_code, funder,
lead_organisation, budget, starts_on, ends_on, outputs, is_synthetic.

Text that a spreadsheet would run as a formula (starting = + - @ tab or carriage
return) is written with a leading apostrophe (`strategies.bulk.neutralise`), and
XLSX text cells are stored as text, never as formulas.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any, Final

from django.db.models import QuerySet

from cohesion.projects.models import Project
from cohesion.strategies.bulk import neutralise

COLUMNS: Final = (
    "id",
    "title",
    "description",
    "activity_type",
    "delivery_method",
    "primary_beneficiaries",
    "priorities",
    "area",
    "area_code",
    "funder",
    "lead_organisation",
    "budget",
    "starts_on",
    "ends_on",
    "outputs",
    "is_synthetic",
)
FORMATS: Final = ("csv", "xlsx")
CONTENT_TYPES: Final = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def rows_for(projects: QuerySet[Project]) -> list[list[Any]]:
    qs = projects.select_related(
        "activity_type", "delivery_method", "primary_beneficiaries", "area", "lead_organisation"
    ).prefetch_related("priorities")
    return [
        [
            str(p.uuid),
            p.title,
            p.description,
            p.activity_type.name if p.activity_type else "",
            p.delivery_method.name if p.delivery_method else "",
            p.primary_beneficiaries.name if p.primary_beneficiaries else "",
            "; ".join(c.name for c in p.priorities.all()),
            p.area.name if p.area else "",
            p.area.code if p.area else "",
            p.funder,
            p.lead_organisation.name,
            p.budget,
            p.starts_on,
            p.ends_on,
            p.outputs,
            "yes" if p.is_synthetic else "no",
        ]
        for p in qs
    ]


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return neutralise(str(value))


def export_projects(projects: QuerySet[Project], fmt: str) -> bytes:
    rows = rows_for(projects)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerows([_csv_cell(v) for v in row] for row in rows)
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "Projects"
        sheet.append(list(COLUMNS))
        for row in rows:
            sheet.append([neutralise(v) if isinstance(v, str) else v for v in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(cell.value, Decimal):
                    cell.number_format = "#,##0.00"
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    raise ValueError(f"unknown format {fmt!r}")
