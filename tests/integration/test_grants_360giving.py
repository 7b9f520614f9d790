"""360Giving export from the grant models: selection, command line, staff page, audit."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cohesion.accounts.models import OrganisationType
from cohesion.areas.models import Area, AreaLevel
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.grants.models import Application, Call, Fund, Payment, Status
from cohesion.grants.threesixty import from_models
from cohesion.grants.threesixty.validate import validate_package
from tests.conftest import make_organisation

pytestmark = pytest.mark.django_db

AWARD = date(2026, 3, 1)


def make_fund(council: Area, owner, *, published: bool = True, name: str = "Prevention fund"):
    fund = Fund.objects.create(
        council=council,
        owner=owner,
        name=name,
        budget=Decimal(30000),
        committed=Decimal(0),
        maximum_award=Decimal(1000),
        programme_code="SHF-PREVENTION",
        reference_prefix="SHF",
        is_published=published,
    )
    call = Call.objects.create(
        fund=fund,
        title="Round 1",
        opens_at=datetime(2026, 1, 1, 9, 0).astimezone(),
        closes_at=datetime(2026, 2, 1, 17, 0).astimezone(),
    )
    return fund, call


def make_application(call, group, reference: str, status: str, **fields):
    awarded = status in {"approved", "approved_with_conditions", "monitoring", "closed"}
    values = {
        "reference": reference,
        "call": call,
        "organisation": group,
        "status": status,
        "title": f"Project {reference}",
        "summary": f"What project {reference} will do for neighbours.",
        "amount_requested": Decimal(1000),
        "legal_name": group.name,
        "address_locality": "Sheffield",
        "postcode": "S4 7AA",
        "planned_start": date(2026, 4, 1),
        "planned_end": date(2027, 3, 31),
    }
    if awarded:
        values |= {"amount_awarded": Decimal(900), "award_date": AWARD}
    values |= fields
    return Application.objects.create(**values)


@pytest.fixture
def ward(sheffield) -> Area:
    return Area.objects.filter(level=AreaLevel.WARD, council=sheffield).order_by("code")[0]


@pytest.fixture
def grants_data(sheffield, sheffield_council, ward):
    group = make_organisation("Burngreave Friends", OrganisationType.VOLUNTARY_COMMUNITY, sheffield)
    fund, call = make_fund(sheffield, sheffield_council)
    approved = make_application(
        call, group, "SHF-2026-0001", Status.APPROVED, charity_number="1234567"
    )
    approved.wards.add(ward)
    monitoring = make_application(
        call, group, "SHF-2026-0002", Status.MONITORING, company_number="765432"
    )
    monitoring.wards.add(ward)
    Payment.objects.create(application=monitoring, paid_on=date(2026, 4, 2), amount=Decimal(900))
    for n, status in enumerate(
        [Status.DRAFT, Status.SUBMITTED, Status.ASSESSMENT, Status.DECLINED, Status.WITHDRAWN], 3
    ):
        make_application(call, group, f"SHF-2026-000{n}", status)
    _, hidden_call = make_fund(sheffield, sheffield_council, published=False, name="Unpublished")
    make_application(hidden_call, group, "SHF-2026-0099", Status.APPROVED)
    return fund


def test_only_awarded_grants_of_published_funds(grants_data):
    records = from_models.records()
    assert [r.key for r in records] == ["SHF-2026-0001", "SHF-2026-0002"]


def test_command_writes_valid_json(grants_data, tmp_path, capsys, ward):
    out = tmp_path / "grants.json"
    call_command("grants", "export-360giving", "--format", "json", "--output", str(out))
    package = json.loads(out.read_text())
    assert validate_package(package) == []
    grants = package["grants"]
    assert [g["id"] for g in grants] == [
        "360G-cohesiondemo-SHF-2026-0001",
        "360G-cohesiondemo-SHF-2026-0002",
    ]
    assert [g["amountAwarded"] for g in grants] == [900, 900]
    assert [g["recipientOrganization"][0]["id"] for g in grants] == [
        "GB-CHC-1234567",
        "GB-COH-00765432",
    ]
    assert grants[0]["fundingOrganization"] == [
        {"id": "GB-LAE-SHF", "name": "Sheffield City Council"}
    ]
    assert grants[0]["beneficiaryLocation"][0]["geoCode"] == ward.code
    assert grants[1]["amountDisbursed"] == 900
    event = AuditEvent.objects.get(action=AuditAction.GRANTS_PUBLISHED)
    assert event.channel == "cli"
    assert event.detail["grants"] == 2
    assert "Wrote 2 grant(s)" in capsys.readouterr().out


def test_command_csv_and_xlsx(grants_data, tmp_path):
    csv_out, xlsx_out = tmp_path / "g.csv", tmp_path / "g.xlsx"
    call_command("grants", "export-360giving", "--format", "csv", "--output", str(csv_out))
    call_command("grants", "export-360giving", "--format", "xlsx", "--output", str(xlsx_out))
    rows = list(csv.DictReader(io.StringIO(csv_out.read_text(encoding="utf-8"))))
    assert [r["Identifier"] for r in rows] == [
        "360G-cohesiondemo-SHF-2026-0001",
        "360G-cohesiondemo-SHF-2026-0002",
    ]
    assert rows[0]["Funding Org:Identifier"] == "GB-LAE-SHF"
    sheet = openpyxl.load_workbook(xlsx_out)["grants"]
    assert [c.value for c in sheet[1]][:3] == ["Identifier", "Title", "Description"]


def test_command_filters_by_fund_and_council(grants_data, tmp_path, sheffield, derby):
    out = tmp_path / "g.json"
    call_command(
        "grants", "export-360giving", "--output", str(out), "--fund", str(grants_data.uuid)
    )
    assert len(json.loads(out.read_text())["grants"]) == 2
    call_command("grants", "export-360giving", "--output", str(out), "--council", sheffield.code)
    assert len(json.loads(out.read_text())["grants"]) == 2
    with pytest.raises(CommandError, match="Nothing written"):
        call_command("grants", "export-360giving", "--output", str(out), "--council", derby.code)
    with pytest.raises(CommandError, match="No council"):
        call_command("grants", "export-360giving", "--output", str(out), "--council", "E99999999")


def test_command_writes_nothing_on_error(grants_data, tmp_path, capsys):
    application = Application.objects.get(reference="SHF-2026-0001")
    application.summary = "Email jo@example.org to join in."
    application.save()
    out = tmp_path / "g.json"
    with pytest.raises(CommandError, match="Nothing written"):
        call_command("grants", "export-360giving", "--output", str(out))
    assert not out.exists()
    assert "email address" in capsys.readouterr().err
    assert not AuditEvent.objects.filter(action=AuditAction.GRANTS_PUBLISHED).exists()


def test_check_only_writes_nothing(grants_data, tmp_path, capsys):
    call_command("grants", "export-360giving", "--check-only")
    assert "2 grant(s) pass" in capsys.readouterr().out
    assert not AuditEvent.objects.filter(action=AuditAction.GRANTS_PUBLISHED).exists()


def test_command_needs_output(grants_data):
    with pytest.raises(CommandError, match="--output"):
        call_command("grants", "export-360giving")


# --- the staff page --------------------------------------------------------------

# Loading the site's URLs imports cohesion/grants/forms.py, whose model URLField for the
# group's website warns about Django 6's default scheme until it passes assume_scheme.
pages = pytest.mark.filterwarnings("ignore:The default scheme will be changed")


@pages
def test_staff_page_report_and_audited_downloads(client, sam, grants_data, sheffield):
    client.force_login(sam)
    page = client.get(reverse("grants-360giving"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ready to publish" in html
    assert "Quality report" in html
    assert sheffield.code in html
    for fmt in ("json", "csv", "xlsx"):
        response = client.get(
            reverse("grants-360giving-download", args=[fmt]), {"council": sheffield.code}
        )
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
    package = json.loads(client.get(reverse("grants-360giving-download", args=["json"])).content)
    assert validate_package(package) == []
    events = AuditEvent.objects.filter(action=AuditAction.GRANTS_PUBLISHED)
    assert events.count() == 4
    assert {e.actor_username for e in events} == {sam.username}


@pages
def test_staff_page_blocks_downloads_on_errors(client, sam, grants_data):
    Application.objects.filter(reference="SHF-2026-0001").update(award_date=date(2099, 1, 1))
    client.force_login(sam)
    html = client.get(reverse("grants-360giving")).content.decode()
    assert "Cannot publish yet" in html
    assert "in the future" in html
    response = client.get(reverse("grants-360giving-download", args=["json"]))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=AuditAction.GRANTS_PUBLISHED).exists()


@pages
def test_page_is_404_without_grants_manage_or_outside_area(
    client, vic, olu, grants_data, sheffield
):
    client.force_login(vic)
    assert client.get(reverse("grants-360giving")).status_code == 404
    client.force_login(olu)
    assert client.get(reverse("grants-360giving")).status_code == 200
    assert client.get(reverse("grants-360giving"), {"council": sheffield.code}).status_code == 404
    assert (
        client.get(
            reverse("grants-360giving-download", args=["json"]), {"council": sheffield.code}
        ).status_code
        == 404
    )


@pages
def test_page_needs_sign_in(client):
    response = client.get(reverse("grants-360giving"))
    assert response.status_code == 302
