"""The incident CSV: exact content, codes, scope, formula injection, long table, CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cohesion.accounts.models import Role
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.incidents import export
from cohesion.incidents.access import incidents_visible_to
from cohesion.incidents.models import Incident
from cohesion.lib.crypto import victim_key
from tests.conftest import make_user
from tests.integration.test_incidents_recording import ABBEY, NORMANTON, make_incident

pytestmark = pytest.mark.django_db

CORE = [
    "reference",
    "occurred_on",
    "ward_code",
    "strand_race",
    "strand_religion",
    "strand_sexual_orientation",
    "strand_disability",
    "strand_transgender",
    "victim_key",
    "victim_sex",
    "victim_age_band",
    "victim_ethnicity",
    "suspect_sex",
    "suspect_age_band",
]


@pytest.fixture
def two_incidents(olu):
    """A: Normanton, race and religion, full victim details. B: Abbey, nothing known."""
    a = make_incident(
        olu,
        NORMANTON,
        strands=("race", "religion"),
        types=("verbal_abuse",),
        victim=("Amira Khan", "1980-05-17"),
        occurred_on=dt.date(2025, 3, 14),
        victim_sex="female",
        victim_age_band="35-44",
        victim_ethnicity="asian",
        victim_religion="muslim",
        suspect_count=2,
        suspect_sex="mixed",
        suspect_age_band="16-24",
        suspect_described_ethnicity="white",
        suspect_under_18=True,
        police_reference='=HYPERLINK("http://evil.example")',
        location_description="Outside 12 High Street",
    )
    b = make_incident(
        olu,
        ABBEY,
        strands=(),
        occurred_on=dt.date(2025, 2, 1),
        victim_sex="prefer_not_to_say",
        victim_age_band="prefer_not_to_say",
        suspect_sex="male",
        narrative="Graffiti on the community centre wall.",
    )
    return a, b


def parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def wide_text(queryset) -> str:
    out = io.StringIO()
    export.write_csv(export.rows(queryset, "wide"), out)
    return out.getvalue()


def test_wide_export_has_the_exact_core_columns_and_codes(two_incidents, olu):
    a, b = two_incidents
    text = wide_text(incidents_visible_to(olu))
    lines = text.splitlines()
    assert lines[0].split(",")[:14] == CORE
    core = [line.split(",")[:14] for line in lines[1:]]
    assert core == [
        [b.reference, "2025-02-01", ABBEY, "0", "0", "0", "0", "0", "", "not_known", "not_known", "not_known", "male", "not_known"],
        [a.reference, "2025-03-14", NORMANTON, "1", "1", "0", "0", "0", victim_key("Amira Khan", "1980-05-17"), "female", "35-44", "asian", "not_known", "16-24"],
    ]  # fmt: skip


def test_wide_export_extras_and_nothing_personal(two_incidents, olu):
    a, _ = two_incidents
    text = wide_text(incidents_visible_to(olu))
    rows = {row["reference"]: row for row in parse(text)}
    row = rows[a.reference]
    header = text.splitlines()[0].split(",")
    assert "strand_sex_gender" in header and "strand_other_local" in header
    assert (row["type_verbal_abuse"], row["type_graffiti"]) == ("1", "0")
    assert (row["council_code"], row["ward_generation"], row["record_kind"]) == (
        "E06000015",
        str(a.ward.generation),
        "hate_incident_non_crime",
    )
    assert (row["suspect_count"], row["suspect_ethnicity"], row["suspect_under_18"]) == (
        "2",
        "white",
        "1",
    )
    assert (row["victim_religion"], row["status"], row["counted_in_statistics"]) == (
        "muslim",
        "received",
        "0",
    )
    assert row["audience"] == "organisation"
    for personal in (
        "Shouted at outside the shop.",
        "Graffiti on the community",
        "12 High Street",
        "Amira",
    ):
        assert personal not in text
    for column in ("narrative", "location_description", "latitude", "longitude", "contact_name"):
        assert column not in header


def test_formula_injection_is_neutralised_in_text_cells_only(two_incidents, olu):
    a, _ = two_incidents
    text = wide_text(incidents_visible_to(olu))
    row = {r["reference"]: r for r in parse(text)}[a.reference]
    assert row["police_reference"] == '\'=HYPERLINK("http://evil.example")'
    assert row["suspect_count"] == "2"
    assert export.neutralise("-1+1") == "'-1+1"
    assert export.neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert export.neutralise("\tx") == "'\tx"
    assert export.neutralise(-3) == -3
    assert export.neutralise("35-44") == "35-44"


def test_long_export_has_one_row_per_incident_and_strand(two_incidents, olu):
    a, b = two_incidents
    out = io.StringIO()
    count = export.write_csv(export.rows(incidents_visible_to(olu), "long"), out)
    assert out.getvalue().splitlines() == [
        "reference,occurred_on,ward_code,strand",
        f"{b.reference},2025-02-01,{ABBEY},",
        f"{a.reference},2025-03-14,{NORMANTON},race",
        f"{a.reference},2025-03-14,{NORMANTON},religion",
    ]
    assert count == 3 == export.row_count(incidents_visible_to(olu), "long")


def test_export_is_scoped_to_the_user_not_publication_state(two_incidents, derbyshire_police):
    analyst = make_user("ana", derbyshire_police, Role.ANALYST)
    recorder = make_user("ray", derbyshire_police, Role.PARTNER_OFFICER)
    # The police analyst sees neither of the council's records: they were never shared.
    assert parse(wide_text(incidents_visible_to(analyst))) == []
    # Their own organisation's record is exported though nothing about it is published.
    own = make_incident(recorder, ABBEY)
    exported = parse(wide_text(incidents_visible_to(analyst)))
    assert [(r["reference"], r["audience"]) for r in exported] == [(own.reference, "organisation")]


def test_export_uses_a_fixed_number_of_queries(olu, django_assert_max_num_queries):
    for day in range(1, 21):
        make_incident(olu, occurred_on=dt.date(2025, 1, day), types=("graffiti",))
    with django_assert_max_num_queries(12):
        rows = list(export.rows(incidents_visible_to(olu), "wide"))
    assert len(rows) == 21


def test_page_download_respects_filters_and_is_audited(client, two_incidents, olu):
    a, _ = two_incidents
    client.force_login(olu)
    listed = client.get(reverse("incident-list"), {"ward": NORMANTON})
    assert "format=csv&amp;layout=long" in listed.text
    response = client.get(
        reverse("incident-list"), {"ward": NORMANTON, "format": "csv", "layout": "long"}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[1:] == [
        f"{a.reference},2025-03-14,{NORMANTON},race",
        f"{a.reference},2025-03-14,{NORMANTON},religion",
    ]
    event = AuditEvent.objects.get(action=AuditAction.INCIDENTS_EXPORTED)
    assert event.actor_username == "olu"
    assert event.detail["rows"] == 2
    assert event.detail["layout"] == "long"
    assert event.detail["filters"] == {"wards": [NORMANTON]}


def test_a_partner_without_the_export_right_cannot_download(client, pat):
    make_incident(pat)
    client.force_login(pat)
    assert "format=csv" not in client.get(reverse("incident-list")).text
    assert client.get(reverse("incident-list"), {"format": "csv"}).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.INCIDENTS_EXPORTED).exists()


# --- The command line ----------------------------------------------------------------------


def test_cli_export_writes_the_file_and_audits_it(tmp_path, two_incidents):
    a, _ = two_incidents
    target = tmp_path / "incidents.csv"
    out = io.StringIO()
    call_command("incidents", "export", "--output", str(target), "--from", "2025-03-01", stdout=out)
    rows = parse(target.read_text())
    assert [r["reference"] for r in rows] == [a.reference]
    assert "Wrote 1 rows (wide)" in out.getvalue()
    event = AuditEvent.objects.get(action=AuditAction.INCIDENTS_EXPORTED)
    assert (event.channel, event.actor_username) == ("cli", "system")
    assert event.detail["filters"] == {"date_from": "2025-03-01"}


def test_cli_export_as_a_user_is_limited_to_their_scope(tmp_path, two_incidents, pat):
    target = tmp_path / "pat.csv"
    with pytest.raises(CommandError, match="does not have the right to export"):
        call_command("incidents", "export", "--output", str(target), "--as-user", "pat")
    assert not target.exists()
    target_olu = tmp_path / "olu.csv"
    call_command(
        "incidents", "export", "--output", str(target_olu), "--as-user", "olu", "--layout", "long"
    )
    assert len(parse(target_olu.read_text())) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2025-13-01"], "is not a date"),
        (["--to", "yesterday"], "is not a date"),
        (
            ["--from", "2025-03-01", "--to", "2025-02-01"],
            "--from must be the same as or before --to",
        ),
        (["--as-user", "nobody"], "No active account called 'nobody'"),
    ],
)
def test_cli_export_with_bad_input_writes_no_file(tmp_path, two_incidents, args, message):
    target = tmp_path / "out.csv"
    with pytest.raises(CommandError, match=message):
        call_command("incidents", "export", "--output", str(target), *args)
    assert list(tmp_path.iterdir()) == []
    assert not AuditEvent.objects.filter(action=AuditAction.INCIDENTS_EXPORTED).exists()
    assert Incident.objects.count() == 2
