"""The 360Giving spreadsheet layout (one row per grant, column titles) via flatten-tool."""

from __future__ import annotations

import io
import json
import tempfile
import warnings
from pathlib import Path
from typing import Any

import flattentool  # type: ignore[import-untyped]
import openpyxl

from cohesion.grants.threesixty.validate import GRANT_SCHEMA

MAIN_SHEET = "grants"


def _flatten(grants: list[dict[str, Any]], output_format: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="cohesion-360g-"))
    source = folder / "grants.json"
    source.write_text(json.dumps(grants), encoding="utf-8")
    with warnings.catch_warnings():
        # flatten-tool warns about things such as unknown schema keys; they are not ours to fix.
        warnings.simplefilter("ignore")
        flattentool.flatten(
            str(source),
            schema=str(GRANT_SCHEMA),
            output_name=str(folder / "out"),
            output_format=output_format,
            main_sheet_name=MAIN_SHEET,
            root_is_list=True,
            use_titles=True,
            rollup=True,
            root_id="",
            disable_local_refs=True,
        )
    return folder


def _cleanup(folder: Path) -> None:
    for path in sorted(folder.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    folder.rmdir()


def to_csv(grants: list[dict[str, Any]]) -> bytes:
    """The grants sheet as CSV (UTF-8): the standard's one-sheet layout.

    Lists that do not roll up into the row (for example several payments) are in
    the JSON and in the XLSX's extra sheets, not in this one CSV.
    """
    folder = _flatten(grants, "csv")
    try:
        return (folder / "out" / f"{MAIN_SHEET}.csv").read_bytes()
    finally:
        _cleanup(folder)


def to_xlsx(grants: list[dict[str, Any]]) -> bytes:
    """The workbook: the grants sheet first, then any sheets for lists that do not roll up."""
    folder = _flatten(grants, "xlsx")
    try:
        data = (folder / "out").read_bytes()
    finally:
        _cleanup(folder)
    book = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in list(book.worksheets):
        # flatten-tool writes a sheet for every list in the schema; keep those with data.
        if sheet.title != MAIN_SHEET and sheet.max_row <= 1:
            book.remove(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
