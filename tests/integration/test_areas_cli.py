"""`cohesion areas …`: the real console command, and the same command in-process."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cohesion.areas.models import Area
from cohesion.audit.context import current
from cohesion.audit.models import AuditAction, AuditEvent
from tests.integration.areas_files import (
    DERBY,
    DERBY_016E,
    NORMANTON,
    NORTH_SEA,
    NOTTINGHAM,
    SHEFFIELD,
    db_counts,
    oakham_wards,
    square,
    ward,
    write_csv,
    write_geojson,
)

ROOT = Path(__file__).resolve().parents[2]
COHESION = str(Path(sys.executable).with_name("cohesion"))
BAD_CODES = ("E05020201", "E05020202")


def bad_ward_file(path: Path) -> Path:
    """A self-intersecting ward and one drawn in British National Grid metres."""
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[-1.49, 52.89], [-1.47, 52.91], [-1.47, 52.89], [-1.49, 52.91], [-1.49, 52.89]]
        ],
    }
    return write_geojson(
        path,
        [
            ward(BAD_CODES[0], "Bow Tie", bowtie, council=DERBY),
            ward(BAD_CODES[1], "Metres", square(435000, 335000, 1000), council=DERBY),
        ],
    )


# --- The console command in a subprocess, on a fresh on-disk SQLite database -------------


@dataclass
class Cli:
    """Runs `cohesion …` in a subprocess against one on-disk SQLite database."""

    folder: Path
    database: Path
    env: dict[str, str]

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [COHESION, *args],
            check=False,
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )


@pytest.fixture(scope="module")
def cli(tmp_path_factory) -> Cli:
    """A fresh SQLite database, migrated with the real `cohesion migrate`."""
    folder = tmp_path_factory.mktemp("cli")
    database = folder / "areas.sqlite3"
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    run = Cli(
        folder, database, {**clean, "COHESION_ENV": "test", "DATABASE_URL": f"sqlite:///{database}"}
    )
    migrated = run("migrate", "--verbosity", "0")
    assert migrated.returncode == 0, migrated.stderr
    return run


@pytest.mark.slow
def test_a_bad_boundary_file_fails_with_a_clear_message_and_changes_nothing(cli):
    bad = bad_ward_file(cli.folder / "BAD.geojson")

    result = cli(
        "areas", "import", "--boundaries", str(bad), "--level", "ward", "--generation", "2024"
    )

    assert result.returncode != 0
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"CommandError: {bad}: nothing was imported because:\n")
    assert (
        f"  - feature 1 ({BAD_CODES[0]}): is not a valid polygon: Self-intersection[-1.48 52.9]"
        in result.stderr
    )
    assert f"  - feature 2 ({BAD_CODES[1]}): has coordinates outside the UK" in result.stderr
    assert "GeoJSON must be WGS84 (EPSG:4326), not British National Grid" in result.stderr
    with sqlite3.connect(cli.database) as db:
        (count,) = db.execute(
            "SELECT count(*) FROM areas_area WHERE code IN (?, ?)", BAD_CODES
        ).fetchone()
    assert count == 0

    folder = cli(
        "areas",
        "import",
        "--boundaries",
        str(cli.folder),
        "--level",
        "ward",
        "--generation",
        "2024",
    )
    assert folder.returncode != 0
    assert "Traceback" not in folder.stderr
    assert f"{cli.folder}: nothing was imported because:\n  - the file cannot be read" in (
        folder.stderr
    )


@pytest.mark.slow
def test_load_bundled_then_locate_a_point_in_normanton(cli):
    loaded = cli("areas", "load-bundled")
    assert loaded.returncode == 0, loaded.stderr
    assert "Ward 2024 (wards_derby_sheffield.geojson): " in loaded.stdout
    assert loaded.stdout.rstrip().endswith("Derby and Sheffield geography loaded.")

    located = cli("areas", "locate", "52.9087", "-1.4795")

    assert located.returncode == 0, located.stderr
    assert located.stdout.splitlines() == [
        f"LSOA     {DERBY_016E}  Derby 016E",
        f"Ward     {NORMANTON}  Normanton",
        f"Council  {DERBY}  Derby",
    ]


# --- The same command in-process -----------------------------------------------------------


def areas(*args: str) -> str:
    out = StringIO()
    call_command("areas", *args, stdout=out)
    return out.getvalue()


@pytest.mark.usefixtures("geography")
def test_list_councils_and_their_wards():
    assert areas("list").splitlines() == [f"{DERBY}  Derby", f"{SHEFFIELD}  Sheffield"]
    derby = areas("list", DERBY.lower()).splitlines()
    assert len(derby) == 18
    assert f"{NORMANTON}  2024  Normanton" in derby
    assert len(areas("list", SHEFFIELD).splitlines()) == 28
    lsoas = areas("list", DERBY, "--level", "lsoa").splitlines()
    assert len(lsoas) == 152 + 151
    with pytest.raises(CommandError, match=f"No ward areas loaded for {NOTTINGHAM}"):
        areas("list", NOTTINGHAM)


@pytest.mark.usefixtures("geography")
def test_locate_in_the_sea_says_nothing_is_loaded_there():
    lat, lon = NORTH_SEA
    assert areas("locate", str(lat), str(lon)).splitlines() == [
        "LSOA     (none loaded here)",
        "Ward     (none loaded here)",
        "Council  (none loaded here)",
    ]


@pytest.mark.usefixtures("geography")
def test_import_reports_counts_and_is_audited_as_the_command_line(tmp_path):
    path = write_geojson(tmp_path / "rutland.geojson", oakham_wards())

    output = areas("import", "--boundaries", str(path), "--level", "ward", "--generation", "2024")

    assert output == f"{path}: 2 created, 0 updated\n"
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.channel, event.actor_username) == (
        AuditAction.AREAS_IMPORTED,
        "cli",
        "system",
    )
    # The command leaves the audit context as it found it.
    assert current().channel == "system"


@pytest.mark.usefixtures("geography")
def test_import_with_named_properties(tmp_path):
    path = tmp_path / "odd-names.geojson"
    features = [
        {
            "type": "Feature",
            "properties": {"id": "E05020101", "label": "Oakham West", "authority": "E06000017"},
            "geometry": oakham_wards()[0]["geometry"],
        }
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with pytest.raises(CommandError, match="no ward code property found among id, label"):
        areas("import", "--boundaries", str(path), "--level", "ward", "--generation", "2024")
    output = areas(
        "import",
        "--boundaries",
        str(path),
        "--level",
        "ward",
        "--generation",
        "2024",
        "--code-property",
        "id",
        "--name-property",
        "label",
        "--council-property",
        "authority",
    )
    assert output == f"{path}: 1 created, 0 updated\n"
    assert Area.objects.get(code="E05020101").council.code == "E06000017"


@pytest.mark.usefixtures("geography")
def test_import_lookup_with_skip_missing_reports_the_skipped_rows(tmp_path):
    path = write_csv(
        tmp_path / "national.csv",
        ["LSOA21CD", "WD24CD"],
        [
            [DERBY_016E, NORMANTON],
            ["E01013810", "E05012345"],  # Nottingham: not loaded
            ["W01000001", "W05000001"],  # Anglesey: not loaded
        ],
    )
    before = db_counts()
    with pytest.raises(CommandError) as caught:
        areas("import-lookup", "--lookup", str(path), "--kind", "lsoa21-ward")
    assert "row 3: E01013810 is not a loaded area" in str(caught.value)
    assert "row 4: W01000001 is not a loaded area" in str(caught.value)
    assert db_counts() == before

    output = areas(
        "import-lookup", "--lookup", str(path), "--kind", "lsoa21-ward", "--skip-missing"
    )

    assert output == f"{path}: 0 created, 1 updated, 2 skipped\n"
    assert AuditEvent.objects.latest("pk").detail["skipped"] == 2
