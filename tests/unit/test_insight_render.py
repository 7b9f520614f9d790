"""The assessment as XLSX, DOCX and PDF (cohesion.insight.render), exact and public."""

from __future__ import annotations

import copy
import io
import re
import zlib

import pytest
from docx import Document
from openpyxl import load_workbook

from cohesion.insight.disclosure import DisclosureRule, apply_to_assessment
from cohesion.insight.render import sections, to_docx, to_pdf, to_xlsx
from tests.unit.test_insight_sia import EXPECTED

PUBLIC = apply_to_assessment(copy.deepcopy(EXPECTED), DisclosureRule())

SHEETS = [
    "Summary",
    "By strand",
    "Monthly",
    "Victims",
    "Victims by sex",
    "Victims by age band",
    "Victims by ethnicity",
    "Suspects",
    "Suspects by sex",
    "Suspects by age band",
    "Wards",
    "Disproportionality",
    "Data quality",
    "Caveats",
    "Disclosure",
]


def rows(sheet) -> list[list[object]]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def workbook(data):
    return load_workbook(io.BytesIO(to_xlsx(data)))


# --- XLSX ------------------------------------------------------------------------------


def test_xlsx_has_one_sheet_per_section_with_a_bold_header():
    book = workbook(EXPECTED)
    assert book.sheetnames == SHEETS
    for sheet in book.worksheets:
        assert all(cell.font.bold for cell in sheet[1]), sheet.title
        assert not any(cell.font.bold for cell in sheet[2]), sheet.title


def test_xlsx_exact_figures_are_numbers():
    book = workbook(EXPECTED)
    assert rows(book["Summary"]) == [
        ["Item", "Value"],
        ["Period from", "2025-04-01"],
        ["Period to", "2025-06-30"],
        ["Incidents", 10],
        ["Previous period from", "2024-04-01"],
        ["Previous period to", "2024-06-30"],
        ["Incidents in the previous period", 2],
        ["Change", 8],
        ["Change %", 400.0],
        ["Disclosure", "exact"],
    ]
    assert rows(book["By strand"]) == [
        ["Strand", "Incidents", "Previous period", "Change", "Change %"],
        ["race", 5, 2, 3, 150.0],
        ["religion", 2, 1, 1, 100.0],
        ["sexual_orientation", 1, 0, 1, None],
        ["disability", 2, 0, 2, None],
        ["transgender", 1, 0, 1, None],
    ]
    assert rows(book["Monthly"])[1:] == [["2025-04", 2, 1], ["2025-05", 3, 0], ["2025-06", 5, 1]]
    assert rows(book["Victims"])[1:] == [
        ["Incident records", 10],
        ["Female % (of records with sex known)", 55.6],
        ["Distinct victim keys", 6],
        ["Repeat victims (keys on 2 or more records)", 2],
        ["Repeat victims %", 33.3],
        ["Records of repeat victims %", 40.0],
    ]
    assert rows(book["Victims by ethnicity"])[1:] == [
        ["asian", 3],
        ["black", 1],
        ["mixed", 1],
        ["white", 3],
        ["other", 1],
        ["not_known", 1],
    ]
    assert rows(book["Suspects"])[1:] == [
        ["Incident records", 10],
        ["Female % (of records with sex known)", 25.0],
        ["Under 18 % (age band 0-15; a lower bound)", 25.0],
    ]
    assert rows(book["Suspects by age band"])[1][1] == 2
    wards = rows(book["Wards"])
    assert wards[0] == [
        "Ward code",
        "Incidents",
        "Population",
        "Rate per 1,000",
        "95% CI low",
        "95% CI high",
    ]
    assert wards[1] == ["E05000001", 4, 2000, 2.0, 0.545, 5.121]
    assert wards[4] == ["E05000004", 0, 500, 0.0, 0.0, 7.378]
    assert wards[5] == ["E05000009", 1, None, None, None, None]  # null: an empty cell
    ratios = rows(book["Disproportionality"])
    assert ratios[0][-1] == "Flagged"
    white = next(r for r in ratios if r[1] == "white")
    assert white == ["ethnicity", "white", 3, 0.3333, 2600, 0.65, 0.513, 0.186, 0.994, "yes"]
    assert ratios[1][-1] == "no"
    assert rows(book["Data quality"])[1:4] == [
        ["ward_code", 0.1],
        ["strands", 0.1],
        ["victim_key", 0.2],
    ]
    caveats = [r[0] for r in rows(book["Caveats"])[1:]]
    assert caveats[0].startswith("Recorded counts measure reporting, not prevalence")
    assert caveats[-1] == f"Note: {EXPECTED['notes'][0]}"
    statement = rows(book["Disclosure"])[1]
    assert statement[0] == "Statement"
    assert statement[1].startswith("Exact figures: not disclosure-controlled")
    assert book["Wards"]["B2"].data_type == "n" and book["Wards"]["D2"].data_type == "n"


def test_xlsx_public_figures_show_c_as_text():
    book = workbook(PUBLIC)
    strands = rows(book["By strand"])
    assert strands[1] == ["race", "c", "c", "c", "c"]
    assert strands[3] == ["sexual_orientation", "c", 0, "c", None]
    assert book["By strand"]["B2"].data_type == "s"
    assert rows(book["Summary"])[3] == ["Incidents", 10]
    assert rows(book["Summary"])[9] == [
        "Disclosure",
        "suppress 1-9, round to 5, secondary suppression",
    ]
    wards = rows(book["Wards"])
    assert wards[1] == ["E05000001", "c", 2000, "c", "c", "c"]
    assert wards[4] == ["E05000004", 0, 500, 0.0, 0.0, 7.378]
    assert rows(book["Disproportionality"])[1][2:] == ["c", "c", 2000, 0.5, "c", "c", "c", "c"]
    disclosure = rows(book["Disclosure"])
    assert disclosure[1][1].startswith("Disclosure-controlled figures")
    assert disclosure[2:] == [
        ["Rule", "suppress 1-9, round to 5, secondary suppression"],
        ["Threshold", 10],
        ["Rounding base", 5],
        ["Rate denominator floor", 22.5],
        ["Symbol for a hidden figure", "c"],
    ]


def test_xlsx_text_is_never_a_formula():
    data = copy.deepcopy(EXPECTED)
    data["notes"] = ["=HYPERLINK('http://example.invalid')"]
    book = workbook(data)
    cell = book["Caveats"].cell(row=book["Caveats"].max_row, column=1)
    assert cell.data_type == "s"
    assert cell.value == "Note: =HYPERLINK('http://example.invalid')"
    data["wards"][0]["code"] = "=1+1"
    assert workbook(data)["Wards"]["A2"].data_type == "s"


def test_suspect_ethnicity_gets_its_own_section_when_present():
    data = copy.deepcopy(EXPECTED)
    data["suspects"]["ethnicity"] = {"asian": 1, "white": 4, "not_known": 5}
    book = workbook(data)
    assert "Suspects by ethnicity" in book.sheetnames
    assert rows(book["Suspects by ethnicity"]) == [
        ["Described ethnicity", "Incidents"],
        ["asian", 1],
        ["white", 4],
        ["not_known", 5],
    ]


# --- DOCX ------------------------------------------------------------------------------


def docx_tables(data) -> list[list[list[str]]]:
    document = Document(io.BytesIO(to_docx(data)))
    return [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]


def test_docx_has_the_heading_statement_and_a_table_per_section():
    document = Document(io.BytesIO(to_docx(EXPECTED)))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Strategic Intelligence Assessment, 2025-04-01 to 2025-06-30"
    assert texts[1].startswith("Exact figures: not disclosure-controlled")
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings == SHEETS
    assert len(document.tables) == len(SHEETS)
    assert all(
        run.bold for cell in document.tables[0].rows[0].cells for run in cell.paragraphs[0].runs
    )


def test_docx_tables_text_exact():
    tables = dict(zip(SHEETS, docx_tables(EXPECTED), strict=True))
    assert tables["By strand"][1] == ["race", "5", "2", "3", "150.0"]
    assert tables["By strand"][3] == ["sexual_orientation", "1", "0", "1", "n/a"]
    assert tables["Monthly"] == [
        ["Month", "Incidents", "Same month a year earlier"],
        ["2025-04", "2", "1"],
        ["2025-05", "3", "0"],
        ["2025-06", "5", "1"],
    ]
    assert tables["Wards"][1] == ["E05000001", "4", "2,000", "2.0", "0.545", "5.121"]
    assert tables["Wards"][5] == ["E05000009", "1", "n/a", "n/a", "n/a", "n/a"]
    assert tables["Disproportionality"][13] == [
        "ethnicity",
        "white",
        "3",
        "0.3333",
        "2,600",
        "0.65",
        "0.513",
        "0.186",
        "0.994",
        "yes",
    ]
    assert tables["Data quality"][1] == ["ward_code", "0.1"]
    assert tables["Caveats"][-1] == [f"Note: {EXPECTED['notes'][0]}"]


def test_docx_public_tables():
    tables = dict(zip(SHEETS, docx_tables(PUBLIC), strict=True))
    assert tables["By strand"][1] == ["race", "c", "c", "c", "c"]
    assert tables["Wards"][1] == ["E05000001", "c", "2,000", "c", "c", "c"]
    assert tables["Summary"][3] == ["Incidents", "10"]
    assert tables["Disclosure"][1][1].startswith("Disclosure-controlled figures")


# --- PDF -------------------------------------------------------------------------------


def test_pdf_uncompressed_holds_the_texts():
    pdf = to_pdf(EXPECTED, compress=False)
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert b"Strategic Intelligence Assessment, 2025-04-01 to 2025-06-30" in pdf
    for text in (b"E05000001", b"Disproportionality", b"Exact figures: not disclosure-controlled"):
        assert text in pdf


def inflated(pdf: bytes) -> bytes:
    """Every Flate stream of the file, decompressed (no PDF library needed)."""
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.DOTALL):
        try:
            out.append(zlib.decompress(stream))
        except zlib.error:
            out.append(stream)
    return b"\n".join(out)


@pytest.mark.parametrize("data", [EXPECTED, PUBLIC], ids=["exact", "public"])
def test_pdf_compressed_by_default_and_complete(data):
    pdf = to_pdf(data)
    assert pdf.startswith(b"%PDF-")
    assert b"E05000001" not in pdf  # the page content is compressed
    text = inflated(pdf)
    assert b"Strategic Intelligence Assessment, 2025-04-01 to 2025-06-30" in text
    for section in sections(data):
        assert section.title.encode() in text


def test_pdf_survives_text_outside_latin_1():
    data = copy.deepcopy(EXPECTED)
    data["notes"] = ["Ward \u2018Normanton\u2019 \u2013 checked \u2026 \u2713 \u6771"]
    text = inflated(to_pdf(data))
    assert b"Note: Ward 'Normanton' - checked ... ? ?" in text
