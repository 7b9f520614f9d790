"""`cohesion sia` (cohesion.insight.cli.main): files in, JSON or HTML out, clear refusals."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cohesion.incidents import export
from cohesion.incidents.access import incidents_visible_to
from cohesion.insight import codes
from cohesion.insight.cli import main
from cohesion.insight.inputs import read_incidents, read_population
from cohesion.insight.sia import assess, to_json
from tests.integration.test_incidents_export import two_incidents, wide_text  # noqa: F401
from tests.unit.test_insight_sia import EXPECTED, INCIDENTS_CSV, POPULATION_CSV


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    incidents = tmp_path / "incidents.csv"
    population = tmp_path / "population.csv"
    incidents.write_text(INCIDENTS_CSV, encoding="utf-8")
    population.write_text(POPULATION_CSV, encoding="utf-8")
    return {"incidents": incidents, "population": population, "output": tmp_path / "sia.json"}


def args(files: dict[str, Path], *extra: str, fmt: str = "json") -> list[str]:
    return [
        "--from",
        "2025-04-01",
        "--to",
        "2025-06-30",
        "--incidents",
        str(files["incidents"]),
        "--population",
        str(files["population"]),
        "--format",
        fmt,
        "--output",
        str(files["output"]),
        *extra,
    ]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_json_output_has_every_hand_computed_value(files, capsys):
    assert main(args(files)) == 0
    assert json.loads(files["output"].read_text(encoding="utf-8")) == EXPECTED
    assert "wrote" in capsys.readouterr().err
    assert leftovers(files["output"].parent) == []


def test_an_existing_output_is_replaced(files):
    files["output"].write_text("old", encoding="utf-8")
    assert main(args(files)) == 0
    assert json.loads(files["output"].read_text(encoding="utf-8"))["total"] == 10


def test_output_to_stdout(files, capsys):
    files["output"] = Path("-")
    assert main(args(files)) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 10


def test_html_output_is_a_plain_table_dump(files):
    files["output"] = files["output"].with_suffix(".html")
    assert main(args(files, fmt="html")) == 0
    page = files["output"].read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html><html lang='en'>")
    assert "<h1>Strategic Intelligence Assessment, 2025-04-01 to 2025-06-30</h1>" in page
    assert "<td>E05000001</td><td>4</td><td>2000</td><td>2.0</td>" in page
    assert "Recorded counts measure reporting, not prevalence" in page
    assert "victims&#x27; shares" in page  # escaped


@pytest.mark.parametrize(
    ("fmt", "magic"), [("pdf", b"%PDF-"), ("docx", b"PK\x03\x04"), ("xlsx", b"PK\x03\x04")]
)
@pytest.mark.parametrize("public", [False, True], ids=["exact", "public"])
def test_pdf_docx_and_xlsx_are_written_atomically(files, fmt, magic, public, capsys):
    files["output"] = files["output"].with_suffix(f".{fmt}")
    files["output"].write_bytes(b"old")
    assert main(args(files, *(["--public"] if public else []), fmt=fmt)) == 0
    assert f"wrote {files['output']} ({fmt})" in capsys.readouterr().err
    assert files["output"].read_bytes().startswith(magic)
    assert leftovers(files["output"].parent) == []
    if fmt == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(files["output"])
        assert book["Summary"]["B4"].value == 10
        assert book["By strand"]["B2"].value == ("c" if public else 5)


def test_public_applies_the_disclosure_rule(files):
    assert main(args(files, "--public")) == 0
    public = json.loads(files["output"].read_text(encoding="utf-8"))
    assert public["disclosure"]["rule"] == "suppress 1-9, round to 5, secondary suppression"
    # Ten incidents in the period: not suppressed, rounded to base 5.
    assert public["total"] == 10
    # Every strand count in the small fixture is below 10: suppressed, never exact.
    assert set(public["by_strand"].values()) <= {"c", 0}


def test_without_incidents_and_no_database_nothing_is_written(files, capsys):
    argv = args(files)
    i = argv.index("--incidents")
    del argv[i : i + 2]
    assert main(argv) == 2
    assert "give --incidents FILE.csv" in capsys.readouterr().err
    assert not files["output"].exists()


@pytest.mark.django_db
def test_from_the_database_with_the_bundled_population(tmp_path, olu, derby_council, capsys):
    from cohesion.audit.models import AuditAction, AuditEvent
    from cohesion.incidents.frames import incident_frame
    from cohesion.incidents.models import Incident
    from cohesion.incidents.sia_source import all_marginals
    from tests.integration.test_incidents_recording import ABBEY, NORMANTON, make_incident

    for ward_code in (NORMANTON, NORMANTON, ABBEY):
        make_incident(olu, ward_code, occurred_on=dt.date(2025, 5, 1))
    make_incident(olu, NORMANTON, occurred_on=dt.date(2024, 5, 1))  # the previous year
    output = tmp_path / "sia.json"
    argv = ["--from", "2025-04-01", "--to", "2025-06-30", "--format", "json"]
    assert main([*argv, "--output", str(output)], load_marginals=all_marginals) == 0
    data = json.loads(output.read_text(encoding="utf-8"))
    assert (data["total"], data["previous"]["total"], data["by_strand"]["race"]) == (3, 1, 3)
    wards = {w["code"]: w for w in data["wards"]}
    assert wards[NORMANTON]["count"] == 2
    # Normanton's population from the bundled mid-2020 estimates, by best-fit LSOAs.
    assert wards[NORMANTON]["population"] > 15000
    assert AuditEvent.objects.filter(
        action=AuditAction.INCIDENTS_EXPORTED, detail__purpose="strategic intelligence assessment"
    ).exists()
    # A frame loader (any source of incident rows) still works, with the same result.
    again = tmp_path / "again.json"
    assert (
        main(
            [*argv, "--output", str(again)],
            load_incidents=lambda s, e: incident_frame(Incident.objects.all(), s, e),
        )
        == 0
    )
    assert json.loads(again.read_text(encoding="utf-8")) == data


def test_dates_out_of_order_write_nothing(files, capsys):
    files["output"].write_text("keep", encoding="utf-8")
    argv = args(files)
    argv[1], argv[3] = "2025-06-30", "2025-04-01"
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "the --from date 2025-06-30 is after the --to date 2025-04-01" in err
    assert files["output"].read_text(encoding="utf-8") == "keep"


@pytest.mark.parametrize("bad", ["2025-13-01", "01/04/2025", "20250401"])
def test_a_bad_date_argument_is_a_usage_error(files, bad, capsys):
    argv = args(files)
    argv[1] = bad
    assert main(argv) == 2
    assert "not a date (YYYY-MM-DD)" in capsys.readouterr().err
    assert not files["output"].exists()


def test_help_returns_0(capsys):
    assert main(["--help"]) == 0
    assert "--incidents FILE.csv" in capsys.readouterr().out


def test_missing_required_arguments_are_a_usage_error(capsys):
    assert main(["--from", "2025-04-01"]) == 2
    assert "the following arguments are required" in capsys.readouterr().err


def test_bad_input_names_the_row_and_writes_nothing(files, capsys):
    text = INCIDENTS_CSV.replace(
        "C05,2025-05-31,E05000002,0,0,1,0,0,V-3,male", "C05,2025-05-31,E05000002,0,0,1,0,0,V-3,man"
    )
    files["incidents"].write_text(text, encoding="utf-8")
    files["output"].write_text("keep", encoding="utf-8")
    assert main(args(files)) == 1
    err = capsys.readouterr().err
    assert "incidents: row 5 (line 6), column victim_sex: unknown code 'man'" in err
    assert "nothing written" in err
    assert files["output"].read_text(encoding="utf-8") == "keep"
    assert leftovers(files["output"].parent) == []


def test_a_missing_column_in_the_population_writes_nothing(files, capsys):
    files["population"].write_text("area_code,dimension,count\nE05000001,total,3\n")
    assert main(args(files)) == 1
    assert "population: missing column group" in capsys.readouterr().err
    assert not files["output"].exists()


@pytest.mark.slow
def test_the_module_runs_as_a_program(files):
    done = subprocess.run(
        [sys.executable, "-m", "cohesion.insight.cli", *args(files, fmt="pdf")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert files["output"].read_bytes().startswith(b"%PDF")
    done = subprocess.run(
        [sys.executable, "-m", "cohesion.insight.cli", *args(files)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(files["output"].read_text(encoding="utf-8"))["total"] == 10


# --- The incident export feeds the assessment ------------------------------------------


def test_the_contract_matches_the_incident_export():
    assert codes.INCIDENT_COLUMNS == export.CORE_COLUMNS
    assert tuple(f"strand_{s}" for s in export.CORE_STRANDS) == codes.STRAND_COLUMNS
    assert set(codes.SEXES) == export.SEXES
    assert set(codes.AGE_BANDS) == export.AGE_BANDS
    assert set(codes.ETHNICITIES) == export.ETHNICITIES


@pytest.mark.django_db
def test_a_real_wide_export_reads_and_assesses(two_incidents, olu):  # noqa: F811
    """A (Normanton, 14 March 2025, race + religion, female 35-44 asian; suspects 'mixed'
    sex → not_known, 16-24, white) and B (Abbey, 1 Feb 2025, no strand, nothing known)."""
    text = wide_text(incidents_visible_to(olu))
    frame = read_incidents(io.StringIO(text))
    assert len(frame) == 2
    assert "suspect_ethnicity" in frame.columns
    a, b = two_incidents
    population = read_population(
        io.StringIO(f"area_code,dimension,group,count\n{a.ward.code},total,total,1000\n")
    )
    result = to_json(assess(frame, population, start=dt.date(2025, 2, 1), end=dt.date(2025, 3, 31)))
    assert result["total"] == 2
    assert result["by_strand"]["race"] == 1 and result["by_strand"]["religion"] == 1
    assert result["victims"]["female_pct"] == 100.0  # B's sex is not known
    assert result["victims"]["age_bands"]["35-44"] == 1
    assert result["suspects"]["age_bands"]["16-24"] == 1
    assert result["suspects"]["ethnicity"]["white"] == 1
    assert result["data_quality"]["strands"] == 0.5
    assert result["monthly"] == [
        {"month": "2025-02", "count": 1, "previous": 0},
        {"month": "2025-03", "count": 1, "previous": 0},
    ]
    wards = {w["code"]: w for w in result["wards"]}
    assert wards[a.ward.code]["rate_per_1000"] == 1.0
    assert wards[b.ward.code]["population"] is None


def test_the_cohesion_command_runs_it_without_django_for_files(files):
    done = subprocess.run(
        [str(Path(sys.executable).parent / "cohesion"), "sia", *args(files)],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "COHESION_ENV": "production"},  # no secrets: no Django
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(files["output"].read_text(encoding="utf-8"))["total"] == 10
