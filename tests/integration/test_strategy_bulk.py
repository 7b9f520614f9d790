"""Bulk edit of actions: one CSV/XLSX format both ways, all or nothing, errors by row and column."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from cohesion.accounts.models import Organisation, User
from cohesion.audit.models import AuditAction, AuditEvent
from cohesion.strategies import actions
from cohesion.strategies.bulk import COLUMNS, export_actions, import_actions
from cohesion.strategies.choices import Rag, Status, UpdateChannel
from cohesion.strategies.models import Action, ActionPlan, ActionUpdate, Strategy

pytestmark = pytest.mark.django_db


@dataclass
class Charter:
    strategy: Strategy
    council_plan: ActionPlan
    police_plan: ActionPlan
    forum: Action
    mapping: Action
    patrols: Action
    tricky: Action


def make_charter(council: Organisation, police: Organisation) -> Charter:
    strategy = actions.create_strategy(
        by=None,
        data={
            "slug": "derby-charter",
            "title": "Derby Cohesion and Integration Charter",
            "kind": "charter",
            "owner": council,
            "objective_label": "Activity",
            "objectives": [
                {"code": "1", "title": "Build relationships between communities"},
                {"code": "2", "title": "Tackle hate crime"},
                {"code": "3", "title": "Welcome new arrivals"},
            ],
        },
    )
    council_plan = actions.create_plan(
        by=None,
        strategy=strategy,
        organisation=council,
        title="Council action plan 2026",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    police_plan = actions.create_plan(
        by=None,
        strategy=strategy,
        organisation=police,
        title="Police action plan 2026",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    o1, o2, o3 = strategy.objectives.all()
    forum = actions.create_action(
        by=None,
        plan=council_plan,
        data={
            "reference": "1.1",
            "title": "Run a quarterly faith forum",
            "lead_name": "Amira Khan",
            "objectives": [o1, o2],
            "starts_on": dt.date(2026, 1, 1),
            "due_on": dt.date(2026, 12, 31),
            "status": Status.IN_PROGRESS,
            "rag": Rag.AMBER,
            "progress": 40,
            "commentary": "Two of four forums held; venue lost in June.",
        },
    )
    mapping = actions.create_action(
        by=None,
        plan=council_plan,
        data={
            "reference": "1.2",
            "title": "Map community assets",
            "objectives": [o3],
            "status": Status.COMPLETE,
            "completed_on": dt.date(2026, 5, 20),
            "weight": "2.5",
        },
    )
    patrols = actions.create_action(
        by=None,
        plan=police_plan,
        data={"reference": "P1", "title": "Hate crime reporting at events", "objectives": [o2]},
    )
    # Text a spreadsheet would run as a formula, and text that starts with an apostrophe.
    tricky = actions.create_action(
        by=None,
        plan=council_plan,
        data={
            "reference": "1.3",
            "title": '=HYPERLINK("http://evil.example","Click")',
            "description": "-5 volunteers since March\nsecond line",
            "lead_name": "@Sam",
            "public_summary": "'quoted' on purpose",
            "commentary": "+44 helpline",
        },
    )
    return Charter(strategy, council_plan, police_plan, forum, mapping, patrols, tricky)


@pytest.fixture
def charter(derby_council, derbyshire_police) -> Charter:
    return make_charter(derby_council, derbyshire_police)


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def csv_bytes(rows: list[dict[str, str]], columns: tuple[str, ...] | list[str] = COLUMNS) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def state(strategy: Strategy) -> list[tuple[object, ...]]:
    """Everything an import could change, to show that a refused one changed nothing."""
    return [
        (
            a.uuid,
            a.title,
            a.status,
            a.rag,
            a.progress,
            a.commentary,
            a.corrective_action,
            a.version,
            tuple(a.objectives.values_list("code", flat=True)),
        )
        for a in Action.objects.filter(strategy=strategy).order_by("pk")
    ]


def by_reference(content: bytes) -> dict[str, dict[str, str]]:
    return {row["reference"]: row for row in csv_rows(content)}


# --- export ---------------------------------------------------------------------------


def test_csv_export_has_the_documented_columns_and_values(charter, olu):
    content = export_actions(charter.strategy, Action.objects.all(), "csv", by=olu)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = by_reference(content)
    assert list(csv_rows(content)[0]) == list(COLUMNS)
    assert sorted(rows) == ["1.1", "1.2", "1.3", "P1"]
    forum = rows["1.1"]
    assert forum["id"] == str(charter.forum.uuid)
    assert forum["plan"] == "Council action plan 2026"
    assert forum["owner"] == "Derby City Council"
    assert forum["objectives"] == "1;2"
    assert forum["status"] == "In progress"
    assert forum["rag"] == "Amber"
    assert forum["progress"] == "40"
    assert forum["starts_on"] == "2026-01-01"
    assert forum["version"] == "1"
    assert rows["1.2"]["status"] == "Complete"
    assert rows["1.2"]["progress"] == "100"
    assert rows["1.2"]["completed_on"] == "2026-05-20"
    assert rows["1.2"]["weight"] == "2.50"
    assert rows["P1"]["owner"] == "Derbyshire Constabulary"
    event = AuditEvent.objects.get(action=AuditAction.ACTIONS_EXPORTED)
    assert event.actor_username == "olu"
    assert event.detail["rows"] == 4
    assert event.detail["format"] == "csv"


def test_export_neutralises_formula_injection_in_csv_and_xlsx(charter):
    from openpyxl import load_workbook

    rows = by_reference(export_actions(charter.strategy, Action.objects.all(), "csv"))
    tricky = rows["1.3"]
    assert tricky["title"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert tricky["description"] == "'-5 volunteers since March\nsecond line"
    assert tricky["lead_name"] == "'@Sam"
    assert tricky["commentary"] == "'+44 helpline"
    assert tricky["public_summary"] == "''quoted' on purpose"

    content = export_actions(charter.strategy, Action.objects.all(), "xlsx")
    sheet = load_workbook(io.BytesIO(content))["Actions"]
    header = [c.value for c in sheet[1]]
    assert header == list(COLUMNS)
    cells = {row[2].value: row for row in sheet.iter_rows(min_row=2)}
    title = cells["1.3"][COLUMNS.index("title")]
    assert title.value.startswith("'=HYPERLINK")
    assert title.data_type == "s"
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    # Dates are real dates, numbers are numbers.
    assert cells["1.1"][COLUMNS.index("starts_on")].value.date() == dt.date(2026, 1, 1)
    assert cells["1.1"][COLUMNS.index("progress")].value == 40


def test_export_only_holds_the_strategy_and_what_the_queryset_allows(
    charter, derby_council, derbyshire_police
):
    other = make_second_strategy(derby_council)
    content = export_actions(
        charter.strategy, Action.objects.filter(owner=derbyshire_police), "csv"
    )
    assert sorted(by_reference(content)) == ["P1"]
    assert other.actions.count() == 1


def make_second_strategy(council: Organisation) -> Strategy:
    strategy = actions.create_strategy(
        by=None, data={"slug": "other", "title": "Another strategy", "owner": council}
    )
    plan = actions.create_plan(
        by=None,
        strategy=strategy,
        organisation=council,
        title="Plan",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    actions.create_action(by=None, plan=plan, data={"title": "Elsewhere"})
    return strategy


# --- round trips ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_round_trips_exactly_and_changes_nothing(charter, olu, fmt):
    before = state(charter.strategy)
    updates = ActionUpdate.objects.count()
    content = export_actions(charter.strategy, Action.objects.all(), fmt)
    result = import_actions(
        by=olu, strategy=charter.strategy, filename=f"actions.{fmt}", content=content
    )
    assert result.ok, result.errors
    assert (result.rows, result.created, result.updated, result.unchanged) == (4, 0, 0, 4)
    assert state(charter.strategy) == before
    assert ActionUpdate.objects.count() == updates
    again = export_actions(charter.strategy, Action.objects.all(), fmt)
    if fmt == "csv":
        assert again == content
    else:
        assert xlsx_values(again) == xlsx_values(content)
    tricky = Action.objects.get(pk=charter.tricky.pk)
    assert tricky.title == '=HYPERLINK("http://evil.example","Click")'
    assert tricky.public_summary == "'quoted' on purpose"


def xlsx_values(content: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content))["Actions"]
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_xlsx_edited_in_a_spreadsheet_updates_by_id(charter, olu):
    from openpyxl import load_workbook

    content = export_actions(charter.strategy, Action.objects.all(), "xlsx")
    book = load_workbook(io.BytesIO(content))
    sheet = book["Actions"]
    for row in sheet.iter_rows(min_row=2):
        if row[2].value == "1.1":
            row[COLUMNS.index("rag")].value = "red"
            row[COLUMNS.index("corrective_action")].value = "Book the library hall instead"
            row[COLUMNS.index("progress")].value = 45.0
            row[COLUMNS.index("due_on")].value = dt.date(2027, 1, 31)
    out = io.BytesIO()
    book.save(out)
    result = import_actions(
        by=olu, strategy=charter.strategy, filename="edited.xlsx", content=out.getvalue()
    )
    assert result.ok, result.errors
    assert (result.updated, result.unchanged) == (1, 3)
    forum = Action.objects.get(pk=charter.forum.pk)
    assert (forum.rag, forum.progress, forum.due_on) == ("red", 45, dt.date(2027, 1, 31))
    assert forum.corrective_action == "Book the library hall instead"


# --- upsert ---------------------------------------------------------------------------


def test_import_updates_rows_by_id_and_creates_rows_without_one(charter, olu):
    rows = csv_rows(export_actions(charter.strategy, Action.objects.all(), "csv"))
    for row in rows:
        if row["reference"] == "1.1":
            row.update(status="complete", rag="", completed_on="30/06/2026", commentary="Done")
    rows.append(
        dict.fromkeys(COLUMNS, "")
        | {
            "plan": "Council action plan 2026",
            "reference": "1.4",
            "title": "Train ward councillors in mediation",
            "objectives": "1; 3",
            "status": "In progress",
            "rag": "GREEN",
            "progress": "10%",
            "due_on": "2026-12-31",
        }
    )
    result = import_actions(
        by=olu, strategy=charter.strategy, filename="actions.csv", content=csv_bytes(rows)
    )
    assert result.ok, result.errors
    assert (result.rows, result.created, result.updated, result.unchanged) == (5, 1, 1, 3)

    forum = Action.objects.get(pk=charter.forum.pk)
    assert (forum.status, forum.rag, forum.progress) == (Status.COMPLETE, "", 100)
    assert forum.completed_on == dt.date(2026, 6, 30)
    assert forum.version == 2
    update = forum.updates.order_by("-pk").first()
    assert update is not None
    assert update.channel == UpdateChannel.IMPORT
    assert update.made_by == olu
    assert update.changes["status"] == ["in_progress", "complete"]
    assert update.changes["commentary"][1] == "Done"

    new = Action.objects.get(strategy=charter.strategy, reference="1.4")
    assert new.plan == charter.council_plan
    assert new.owner.name == "Derby City Council"
    assert sorted(new.objectives.values_list("code", flat=True)) == ["1", "3"]
    assert (new.status, new.rag, new.progress) == (Status.IN_PROGRESS, Rag.GREEN, 10)
    assert new.updates.get().channel == UpdateChannel.IMPORT

    event = AuditEvent.objects.get(action=AuditAction.ACTIONS_IMPORTED)
    assert event.actor_username == "olu"
    assert event.detail == {
        "filename": "actions.csv",
        "rows": 5,
        "created": 1,
        "updated": 1,
        "unchanged": 3,
    }


def test_a_file_with_only_some_columns_changes_only_those(charter, olu):
    content = csv_bytes(
        [{"id": str(charter.patrols.uuid), "status": "In progress", "rag": "Green"}],
        columns=["id", "status", "rag"],
    )
    result = import_actions(by=olu, strategy=charter.strategy, filename="few.csv", content=content)
    assert result.ok, result.errors
    patrols = Action.objects.get(pk=charter.patrols.pk)
    assert (patrols.status, patrols.rag, patrols.title) == (
        Status.IN_PROGRESS,
        Rag.GREEN,
        "Hate crime reporting at events",
    )
    assert list(patrols.objectives.values_list("code", flat=True)) == ["2"]


# --- all or nothing -------------------------------------------------------------------


def test_any_invalid_row_rolls_back_the_whole_file_with_errors_by_row_and_column(
    charter, olu, derby_council
):
    other = make_second_strategy(derby_council)
    before = state(charter.strategy)
    updates = ActionUpdate.objects.count()
    rows = csv_rows(export_actions(charter.strategy, Action.objects.all(), "csv"))
    by_ref = {row["reference"]: row for row in rows}
    by_ref["1.2"]["title"] = "A perfectly good change"  # row 3: valid on its own
    by_ref["1.1"]["rag"] = "Red"  # row 2: red without a corrective action
    by_ref["1.3"].update(status="Finished", due_on="31st March")  # row 4
    by_ref["P1"].update(objectives="2;9", owner="Derby Rovers")  # row 5
    rows.append(dict.fromkeys(COLUMNS, "") | {"id": str(other.actions.get().uuid)})  # row 6
    rows.append(dict.fromkeys(COLUMNS, "") | {"id": "not-a-uuid"})  # row 7
    rows.append(
        dict.fromkeys(COLUMNS, "")
        | {"plan": "Nonexistent plan", "title": "New", "status": "In progress"}
    )  # row 8
    rows.append(dict.fromkeys(COLUMNS, "") | {"plan": "Council action plan 2026"})  # row 9
    result = import_actions(
        by=olu, strategy=charter.strategy, filename="bad.csv", content=csv_bytes(rows)
    )
    assert not result.ok
    assert (result.created, result.updated) == (0, 0)
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "corrective_action"),
        (4, "due_on"),
        (4, "status"),
        (5, "owner"),
        (5, "objectives"),
        (6, "id"),
        (7, "id"),
        (8, "plan"),
        (8, "rag"),
        (9, "title"),
    ]
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert messages[(4, "status")].startswith("'Finished' is not a status")
    assert messages[(4, "due_on")] == "'31st March' is not a date: use YYYY-MM-DD, like 2026-03-14"
    assert messages[(5, "objectives")] == "This strategy has no objective '9'"
    assert messages[(5, "owner")] == "No organisation is called 'Derby Rovers'"
    assert "may belong to another strategy" in messages[(6, "id")]
    assert messages[(8, "plan")] == "No plan in this strategy is called 'Nonexistent plan'"
    assert str(result.errors[0]) == (
        "Row 2, column corrective_action: Enter the corrective action: "
        "a red action needs a note of what is being done about it"
    )
    assert state(charter.strategy) == before
    assert ActionUpdate.objects.count() == updates
    assert not AuditEvent.objects.filter(action=AuditAction.ACTIONS_IMPORTED).exists()


def test_unknown_columns_and_unreadable_files_are_refused(charter, olu):
    content = csv_bytes([{"id": "", "titel": "Typo"}], columns=["id", "titel"])
    result = import_actions(by=olu, strategy=charter.strategy, filename="x.csv", content=content)
    assert [(e.row, e.column) for e in result.errors] == [(1, "titel")]
    result = import_actions(
        by=olu, strategy=charter.strategy, filename="x.xlsx", content=b"PK\x03\x04 not a zip"
    )
    assert result.errors[0].row == 0
    assert "not an Excel workbook" in result.errors[0].message
    result = import_actions(by=olu, strategy=charter.strategy, filename="x.pdf", content=b"%PDF")
    assert result.errors[0].message.startswith("The file must be a CSV file")


def test_a_file_of_more_than_5000_rows_is_refused_whole(charter, olu):
    rows = [{"id": "", "title": f"Action {n}"} for n in range(5001)]
    content = csv_bytes(rows, columns=["id", "title"])
    result = import_actions(by=olu, strategy=charter.strategy, filename="big.csv", content=content)
    assert [str(e) for e in result.errors] == ["The file has more than 5,000 rows: split it"]
    assert Action.objects.filter(strategy=charter.strategy).count() == 4


def test_an_action_changed_since_the_export_is_not_overwritten(charter, olu):
    content = export_actions(charter.strategy, Action.objects.all(), "csv")
    actions.update_action(by=olu, action=charter.forum, data={"progress": 50})
    rows = csv_rows(content)
    for row in rows:
        if row["reference"] == "1.1":
            row["commentary"] = "Three forums held"
    result = import_actions(
        by=olu, strategy=charter.strategy, filename="old.csv", content=csv_bytes(rows)
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "version")]
    assert "now version 2, the file has 1" in result.errors[0].message
    assert Action.objects.get(pk=charter.forum.pk).progress == 50


def test_a_formula_typed_into_the_workbook_is_refused(charter, olu):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(export_actions(charter.strategy, Action.objects.all(), "xlsx")))
    sheet = book["Actions"]
    sheet.cell(row=2, column=COLUMNS.index("progress") + 1).value = "=40+5"
    out = io.BytesIO()
    book.save(out)
    result = import_actions(
        by=olu, strategy=charter.strategy, filename="f.xlsx", content=out.getvalue()
    )
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "progress", "Type the value, not a formula")
    ]


# --- permissions ----------------------------------------------------------------------


def test_a_partner_cannot_import_another_organisations_action(charter, pat):
    before = state(charter.strategy)
    rows = csv_rows(export_actions(charter.strategy, Action.objects.all(), "csv"))
    for row in rows:
        if row["reference"] == "P1":
            row.update(status="In progress", rag="Green")  # theirs: allowed
        if row["reference"] == "1.1":
            row["progress"] = "60"  # the council's: refused
    rows.append(
        dict.fromkeys(COLUMNS, "") | {"plan": "Council action plan 2026", "title": "Sneaky"}
    )
    result = import_actions(
        by=pat, strategy=charter.strategy, filename="pat.csv", content=csv_bytes(rows)
    )
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "id", "You can only change actions your organisation owns"),
        (6, "plan", "You can only add actions to your own organisation's plan"),
    ]
    assert state(charter.strategy) == before


def test_a_partner_updates_and_adds_its_own_actions(charter, pat):
    rows = [
        row
        for row in csv_rows(export_actions(charter.strategy, Action.objects.all(), "csv"))
        if row["owner"] == "Derbyshire Constabulary"
    ]
    rows[0].update(status="In progress", rag="Amber", commentary="Two events missed")
    rows.append(dict.fromkeys(COLUMNS, "") | {"title": "Third-party reporting centres"})
    result = import_actions(
        by=pat, strategy=charter.strategy, filename="pat.csv", content=csv_bytes(rows)
    )
    assert result.ok, result.errors
    assert (result.created, result.updated) == (1, 1)
    # With one plan of their own, a row without a plan goes into it.
    new = Action.objects.get(title="Third-party reporting centres")
    assert (new.plan, new.owner.name) == (charter.police_plan, "Derbyshire Constabulary")


def test_someone_who_cannot_update_actions_is_refused(charter, vic, sam):
    content = export_actions(charter.strategy, Action.objects.all(), "csv")
    for person in (vic, sam):
        with pytest.raises(PermissionDenied):
            import_actions(by=person, strategy=charter.strategy, filename="a.csv", content=content)


# --- command line ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cli_exports_and_imports_both_formats(charter, olu, tmp_path: Path, fmt):
    target = tmp_path / f"actions.{fmt}"
    out = io.StringIO()
    call_command(
        "strategy", "export", "derby-charter", "--format", fmt, "--output", str(target), stdout=out
    )
    assert out.getvalue() == f"Wrote 4 actions of derby-charter ({fmt}) to {target}\n"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    out = io.StringIO()
    call_command("strategy", "import", "derby-charter", str(target), "--as-user", "olu", stdout=out)
    assert out.getvalue() == (
        f"Imported actions.{fmt} into derby-charter: 0 created, 0 updated, 4 unchanged\n"
    )


def test_cli_import_lists_errors_and_changes_nothing(charter, olu, tmp_path: Path):
    rows = csv_rows(export_actions(charter.strategy, Action.objects.all(), "csv"))
    rows[0]["status"] = "Paused"
    rows[1]["title"] = "Changed"
    target = tmp_path / "bad.csv"
    target.write_bytes(csv_bytes(rows))
    before = state(charter.strategy)
    with pytest.raises(CommandError) as refused:
        call_command("strategy", "import", "derby-charter", str(target), "--as-user", "olu")
    assert str(refused.value).startswith("bad.csv has 1 problem; nothing was changed:\n")
    assert "Row 2, column status: 'Paused' is not a status" in str(refused.value)
    assert state(charter.strategy) == before


def test_cli_export_as_a_partner_and_refusals(charter, pat, tmp_path: Path):
    target = tmp_path / "pat.csv"
    call_command(
        "strategy",
        "export",
        "derby-charter",
        "--output",
        str(target),
        "--as-user",
        "pat",
        stdout=io.StringIO(),
    )
    assert len(csv_rows(target.read_bytes())) == 4  # partners read the whole strategy
    with pytest.raises(CommandError, match="No strategy called 'nope'"):
        call_command("strategy", "export", "nope", "--output", str(target))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("strategy", "export", "derby-charter", "--output", "/no/such/dir/a.csv")
    with pytest.raises(CommandError, match="No active account called 'ghost'"):
        call_command("strategy", "import", "derby-charter", str(target), "--as-user", "ghost")


def test_cli_import_refuses_someone_without_the_right(charter, vic: User, tmp_path: Path):
    target = tmp_path / "a.csv"
    target.write_bytes(export_actions(charter.strategy, Action.objects.all(), "csv"))
    with pytest.raises(CommandError, match="vic cannot update actions in derby-charter"):
        call_command("strategy", "import", "derby-charter", str(target), "--as-user", "vic")
