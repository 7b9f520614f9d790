"""The assessment as a workbook, a document or a PDF (no Django imports).

`to_xlsx`, `to_docx` and `to_pdf` take the assessment's JSON dict
(`cohesion.insight.sia.to_json`, or its public version from
`cohesion.insight.disclosure.apply_to_assessment`) and return the file's bytes.
All three lay out the same sections as the HTML (`sections(data)`): summary,
strands with the previous year and the change, the monthly series, victims,
suspects, wards with rates and intervals, disproportionality with flags, data
quality, caveats and notes, and the disclosure statement.

In the workbook every section is a sheet with a bold header row; counts, rates
and shares are numbers, a suppressed figure is the text "c" and a figure that
cannot be computed (`null`) is an empty cell. In the document and the PDF they
are tables, with "n/a" for `null`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Cell = int | float | str | bool | None

TITLE = "Strategic Intelligence Assessment"
NOT_AVAILABLE = "n/a"


@dataclass(frozen=True)
class Section:
    """One table: a title (the sheet's name in the workbook), headings and rows."""

    title: str
    columns: tuple[str, ...]
    rows: Sequence[tuple[Cell, ...]] = ()


def period_text(data: dict[str, Any]) -> str:
    return f"{data['period']['from']} to {data['period']['to']}"


def disclosure_statement(data: dict[str, Any]) -> str:
    """One sentence saying whether and how the figures were disclosure-controlled."""
    rule = data["disclosure"]
    if not isinstance(rule, dict):
        return "Exact figures: not disclosure-controlled. They must not be published as they are."
    threshold = int(rule.get("threshold", 10))
    return (
        f"Disclosure-controlled figures ({rule['rule']}): counts 1 to {threshold - 1} "
        f'are shown as "{rule.get("symbol", "c")}", other counts are rounded to the nearest '
        f"{rule.get('base', 5)}, further cells are hidden where a total would give a hidden "
        "one away, and shares, rates and ratios are not shown beside a hidden count or "
        f"where their denominator is below {rule.get('rate_denominator_floor', 22.5)}."
    )


def _flag(value: Any) -> Cell:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value  # type: ignore[no-any-return]


def _counts(title: str, heading: str, mapping: dict[str, Any] | None) -> Section | None:
    if mapping is None:
        return None
    return Section(title, (heading, "Incidents"), [(k, v) for k, v in mapping.items()])


def sections(data: dict[str, Any]) -> list[Section]:
    """The assessment's tables, in reading order."""
    previous, change = data["previous"], data["change"]
    victims, suspects = data["victims"], data["suspects"]
    rule = data["disclosure"]
    summary = Section(
        "Summary",
        ("Item", "Value"),
        [
            ("Period from", data["period"]["from"]),
            ("Period to", data["period"]["to"]),
            ("Incidents", data["total"]),
            ("Previous period from", previous["from"]),
            ("Previous period to", previous["to"]),
            ("Incidents in the previous period", previous["total"]),
            ("Change", change["total"]),
            ("Change %", change["total_pct"]),
            ("Disclosure", rule["rule"] if isinstance(rule, dict) else str(rule)),
        ],
    )
    strands = Section(
        "By strand",
        ("Strand", "Incidents", "Previous period", "Change", "Change %"),
        [
            (
                strand,
                count,
                previous["by_strand"][strand],
                change["by_strand"][strand],
                change["by_strand_pct"][strand],
            )
            for strand, count in data["by_strand"].items()
        ],
    )
    monthly = Section(
        "Monthly",
        ("Month", "Incidents", "Same month a year earlier"),
        [(m["month"], m["count"], m["previous"]) for m in data["monthly"]],
    )
    victim_measures = Section(
        "Victims",
        ("Measure", "Value"),
        [
            ("Incident records", victims["records"]),
            ("Female % (of records with sex known)", victims["female_pct"]),
            ("Distinct victim keys", victims["distinct_keys"]),
            ("Repeat victims (keys on 2 or more records)", victims["repeat_victims"]),
            ("Repeat victims %", victims["repeat_pct"]),
            ("Records of repeat victims %", victims["repeat_incidents_pct"]),
        ],
    )
    suspect_measures = Section(
        "Suspects",
        ("Measure", "Value"),
        [
            ("Incident records", suspects["records"]),
            ("Female % (of records with sex known)", suspects["female_pct"]),
            ("Under 18 % (age band 0-15; a lower bound)", suspects["under_18_pct"]),
        ],
    )
    wards = Section(
        "Wards",
        ("Ward code", "Incidents", "Population", "Rate per 1,000", "95% CI low", "95% CI high"),
        [
            (w["code"], w["count"], w["population"], w["rate_per_1000"], w["ci_low"], w["ci_high"])
            for w in data["wards"]
        ],
    )
    ratios = Section(
        "Disproportionality",
        (
            "Dimension",
            "Group",
            "Victims",
            "Victims' share",
            "Population",
            "Population share",
            "Ratio",
            "95% CI low",
            "95% CI high",
            "Flagged",
        ),
        [
            (
                d["dimension"],
                d["group"],
                d["victims"],
                d["victims_share"],
                d["population"],
                d["population_share"],
                d["ratio"],
                d["ci_low"],
                d["ci_high"],
                _flag(d["flagged"]),
            )
            for d in data["disproportionality"]
        ],
    )
    quality = Section(
        "Data quality",
        ("Field", "Share of records missing it"),
        list(data["data_quality"].items()),
    )
    caveats = Section(
        "Caveats",
        ("Caveat",),
        [(str(c),) for c in data["caveats"]] + [(f"Note: {n}",) for n in data["notes"]],
    )
    disclosure_rows: list[tuple[Cell, ...]] = [("Statement", disclosure_statement(data))]
    if isinstance(rule, dict):
        disclosure_rows += [
            ("Rule", rule["rule"]),
            ("Threshold", rule.get("threshold")),
            ("Rounding base", rule.get("base")),
            ("Rate denominator floor", rule.get("rate_denominator_floor")),
            ("Symbol for a hidden figure", rule.get("symbol")),
        ]
    disclosure = Section("Disclosure", ("Item", "Value"), disclosure_rows)
    optional = [
        _counts("Victims by sex", "Sex", victims["sex"]),
        _counts("Victims by age band", "Age band", victims["age_bands"]),
        _counts("Victims by ethnicity", "Ethnicity", victims["ethnicity"]),
        _counts("Suspects by sex", "Sex", suspects["sex"]),
        _counts("Suspects by age band", "Age band", suspects["age_bands"]),
        _counts("Suspects by ethnicity", "Described ethnicity", suspects.get("ethnicity")),
    ]
    people = [s for s in optional if s is not None]
    victim_tables = [s for s in people if s.title.startswith("Victims")]
    suspect_tables = [s for s in people if s.title.startswith("Suspects")]
    return [
        summary,
        strands,
        monthly,
        victim_measures,
        *victim_tables,
        suspect_measures,
        *suspect_tables,
        wards,
        ratios,
        quality,
        caveats,
        disclosure,
    ]


def _text(value: Cell) -> str:
    """A cell for the document and the PDF."""
    if value is None:
        return NOT_AVAILABLE
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return f"{value:,}"
    return value


# --- XLSX ------------------------------------------------------------------------------


def to_xlsx(data: dict[str, Any]) -> bytes:
    """A workbook: one sheet per section, bold header row, numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    default = book.active
    if default is not None:
        book.remove(default)
    bold = Font(bold=True)
    for section in sections(data):
        sheet = book.create_sheet(section.title[:31])
        sheet.append(list(section.columns))
        for cell in sheet[1]:
            cell.font = bold
        for row in section.rows:
            sheet.append([None if value is None else value for value in row])
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                # Text is text: never a formula, whatever it starts with.
                if isinstance(cell.value, str) and cell.data_type == "f":
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
        for index, heading in enumerate(section.columns, start=1):
            longest = max(
                [len(heading), *(len(_text(row[index - 1])) for row in section.rows)], default=10
            )
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = min(max(longest + 2, 10), 100)
    book.properties.title = f"{TITLE}, {period_text(data)}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- DOCX ------------------------------------------------------------------------------


def to_docx(data: dict[str, Any]) -> bytes:
    """A Word document: a heading, the disclosure statement, then one table per section."""
    from docx import Document

    document = Document()
    document.core_properties.title = f"{TITLE}, {period_text(data)}"
    document.add_heading(f"{TITLE}, {period_text(data)}", level=1)
    document.add_paragraph(disclosure_statement(data))
    for section in sections(data):
        document.add_heading(section.title, level=2)
        table = document.add_table(rows=1 + len(section.rows), cols=len(section.columns))
        table.style = "Table Grid"
        for cell, heading in zip(table.rows[0].cells, section.columns, strict=True):
            cell.paragraphs[0].add_run(heading).bold = True
        for row, values in zip(table.rows[1:], section.rows, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = _text(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- PDF -------------------------------------------------------------------------------

# The PDF's built-in fonts are Latin-1: the few typographic characters the texts may
# hold are spelled in ASCII, anything else outside Latin-1 becomes "?".
_ASCII = str.maketrans(
    {
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
    }
)


def _latin1(text: str) -> str:
    return text.translate(_ASCII).encode("latin-1", "replace").decode("latin-1")


def to_pdf(data: dict[str, Any], *, compress: bool = True) -> bytes:
    """An A4 PDF: a heading, the disclosure statement, then one table per section."""
    from fpdf import FPDF
    from fpdf.enums import TableCellFillMode

    title = f"{TITLE}, {period_text(data)}"
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_compression(compress)
    pdf.set_title(_latin1(title))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=15)
    pdf.multi_cell(0, 8, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", size=9)
    pdf.multi_cell(0, 5, _latin1(disclosure_statement(data)), new_x="LMARGIN", new_y="NEXT")
    for section in sections(data):
        pdf.ln(4)
        pdf.set_font("Helvetica", style="B", size=12)
        pdf.cell(0, 7, _latin1(section.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=8)
        wide = len(section.columns) == 1 or section.title in ("Victims", "Suspects", "Summary")
        with pdf.table(
            first_row_as_headings=True,
            width=pdf.epw if wide or len(section.columns) > 3 else pdf.epw * 0.6,
            align="LEFT",
            line_height=4.5,
            cell_fill_mode=TableCellFillMode.ROWS,
            cell_fill_color=(243, 242, 241),
        ) as table:
            header = table.row()
            for heading in section.columns:
                header.cell(_latin1(heading))
            for values in section.rows:
                row = table.row()
                for value in values:
                    row.cell(_latin1(_text(value)))
    return bytes(pdf.output())
