"""Make a signed-off assessment, and a published question bank, unchangeable in the database.

The actions already refuse such changes; these triggers make sure nothing
else can (a bug, a shell, a careless script). As for the audit trail (audit
migration 0002), INSERT and UPDATE are refused on both databases and DELETE
on PostgreSQL only: on SQLite, Django's test flush empties tables with DELETE
in no fixed order, so there the actions alone stop deletion. On PostgreSQL a
flush uses TRUNCATE, which row triggers do not see.

What may still change after sign-off, on purpose:
- the assessment's `status` from signed off to published, with the public
  summary and who published it and when (once); `updated_at`;
- an action's completion (`completed_on`, `completed_by`) and its link to a
  strategy action: monitoring the plan, not changing what was assessed;
- which departments it is shared with (a separate table, not guarded).
"""

from django.db import migrations

FINAL = "('signed_off', 'published')"
MESSAGE = "impact: a signed-off assessment cannot be changed; start a revision"
BANK_MESSAGE = "impact: a published question bank cannot be changed; load a new version"

# Columns of the assessment that never change once it is signed off.
ASSESSMENT_FIXED = [
    "uuid",
    "reference",
    "series",
    "version",
    "previous_id",
    "organisation_id",
    "department_id",
    "bank_id",
    "subject",
    "kind",
    "proposal",
    "owner_id",
    "created_by_id",
    "decision_maker",
    "decision_maker_role",
    "decision_date",
    "review_date",
    "outcome",
    "outcome_reason",
    "submitted_at",
    "submitted_by_id",
    "returned_note",
    "signed_off_at",
    "signed_off_by_id",
    "sign_off_note",
    "is_synthetic",
    "created_at",
]
# Set once, when a signed-off assessment is published.
ASSESSMENT_PUBLICATION = ["public_summary", "published_at", "published_by_id"]

# (table, column pointing at the assessment, columns that may not change; None = all)
CHILDREN = [
    ("impact_screeninganswer", "assessment_id", None),
    ("impact_principleanswer", "assessment_id", None),
    ("impact_evidence", "assessment_id", None),
    ("impact_equalityimpact", "assessment_id", None),
    ("impact_cohesionanswer", "assessment_id", None),
    (
        "impact_actionitem",
        "assessment_id",
        ["uuid", "assessment_id", "description", "owner_name", "due_on", "suggested_action_id"],
    ),
    ("impact_impactassessment_wards", "impactassessment_id", None),
]

BANK_FIXED = ["uuid", "organisation_id", "version", "title", "source", "published_at"]
# (table, SQL giving the bank's published_at for a row alias R)
BANK_CHILDREN = [
    ("impact_principle", "SELECT published_at FROM impact_questionbank WHERE id = R.bank_id"),
    (
        "impact_question",
        (
            "SELECT b.published_at FROM impact_questionbank b JOIN impact_principle p "
            "ON p.bank_id = b.id WHERE p.id = R.principle_id"
        ),
    ),
    (
        "impact_suggestedaction",
        (
            "SELECT b.published_at FROM impact_questionbank b JOIN impact_principle p "
            "ON p.bank_id = b.id WHERE p.id = R.principle_id"
        ),
    ),
]


def _changed(columns: list[str], distinct: str) -> str:
    return "(" + " OR ".join(f"NEW.{col} {distinct} OLD.{col}" for col in columns) + ")"


# --- SQLite --------------------------------------------------------------------------


def _sqlite_statements() -> list[str]:
    raise_final = f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
    raise_bank = f"BEGIN SELECT RAISE(ABORT, '{BANK_MESSAGE}'); END;"
    statements = [
        (
            "CREATE TRIGGER impact_assessment_fixed BEFORE UPDATE ON impact_impactassessment "
            f"WHEN OLD.status IN {FINAL} AND ("
            f"NEW.status NOT IN {FINAL} "
            "OR (OLD.status = 'published' AND NEW.status <> 'published') "
            f"OR {_changed(ASSESSMENT_FIXED, 'IS NOT')} "
            f"OR (OLD.status = 'published' AND {_changed(ASSESSMENT_PUBLICATION, 'IS NOT')})"
            f") {raise_final}"
        )
    ]
    for table, fk, fixed in CHILDREN:
        parent = f"(SELECT status FROM impact_impactassessment WHERE id = {{row}}.{fk})"
        statements.append(
            f"CREATE TRIGGER {table}_final_no_insert BEFORE INSERT ON {table} "
            f"WHEN {parent.format(row='NEW')} IN {FINAL} {raise_final}"
        )
        condition = (
            f"({parent.format(row='OLD')} IN {FINAL} OR {parent.format(row='NEW')} IN {FINAL})"
        )
        if fixed is not None:
            condition += f" AND {_changed(fixed, 'IS NOT')}"
        statements.append(
            f"CREATE TRIGGER {table}_final_no_update BEFORE UPDATE ON {table} "
            f"WHEN {condition} {raise_final}"
        )
    statements.append(
        "CREATE TRIGGER impact_questionbank_fixed BEFORE UPDATE ON impact_questionbank "
        f"WHEN OLD.published_at IS NOT NULL AND {_changed(BANK_FIXED, 'IS NOT')} {raise_bank}"
    )
    for table, published in BANK_CHILDREN:
        new_published = f"({published.replace('R.', 'NEW.')})"
        old_published = f"({published.replace('R.', 'OLD.')})"
        statements.append(
            f"CREATE TRIGGER {table}_published_no_insert BEFORE INSERT ON {table} "
            f"WHEN {new_published} IS NOT NULL {raise_bank}"
        )
        statements.append(
            f"CREATE TRIGGER {table}_published_no_update BEFORE UPDATE ON {table} "
            f"WHEN {old_published} IS NOT NULL OR {new_published} IS NOT NULL {raise_bank}"
        )
    return statements


def _sqlite_names() -> list[str]:
    names = ["impact_assessment_fixed", "impact_questionbank_fixed"]
    for table, _, _ in CHILDREN:
        names += [f"{table}_final_no_insert", f"{table}_final_no_update"]
    for table, _ in BANK_CHILDREN:
        names += [f"{table}_published_no_insert", f"{table}_published_no_update"]
    return names


# --- PostgreSQL ----------------------------------------------------------------------

PG_RAISE = "RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';"


def _pg_statements() -> list[str]:
    raise_final = PG_RAISE.format(message=MESSAGE)
    raise_bank = PG_RAISE.format(message=BANK_MESSAGE)
    statements = [
        f"""
CREATE OR REPLACE FUNCTION impact_assessment_fixed() RETURNS trigger AS $$
BEGIN
    IF OLD.status IN {FINAL} THEN
        IF TG_OP = 'DELETE' THEN
            {raise_final}
        END IF;
        IF NEW.status NOT IN {FINAL}
            OR (OLD.status = 'published' AND NEW.status <> 'published')
            OR {_changed(ASSESSMENT_FIXED, "IS DISTINCT FROM")}
            OR (OLD.status = 'published'
                AND {_changed(ASSESSMENT_PUBLICATION, "IS DISTINCT FROM")}) THEN
            {raise_final}
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",
        (
            "CREATE TRIGGER impact_assessment_fixed BEFORE UPDATE OR DELETE ON impact_impactassessment "
            "FOR EACH ROW EXECUTE FUNCTION impact_assessment_fixed();"
        ),
    ]
    for table, fk, fixed in CHILDREN:
        update_changes = "TRUE" if fixed is None else _changed(fixed, "IS DISTINCT FROM")
        statements.append(
            f"""
CREATE OR REPLACE FUNCTION {table}_final() RETURNS trigger AS $$
DECLARE
    parent_status text;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT status INTO parent_status FROM impact_impactassessment WHERE id = OLD.{fk};
        IF parent_status IN {FINAL} THEN
            IF TG_OP = 'DELETE' THEN
                {raise_final}
            ELSIF {update_changes} THEN
                {raise_final}
            END IF;
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT status INTO parent_status FROM impact_impactassessment WHERE id = NEW.{fk};
        IF parent_status IN {FINAL} THEN
            IF TG_OP = 'INSERT' THEN
                {raise_final}
            ELSIF {update_changes} THEN
                {raise_final}
            END IF;
        END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
"""
        )
        statements.append(
            f"CREATE TRIGGER {table}_final BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_final();"
        )
    statements.append(
        f"""
CREATE OR REPLACE FUNCTION impact_questionbank_fixed() RETURNS trigger AS $$
BEGIN
    IF OLD.published_at IS NOT NULL THEN
        IF TG_OP = 'DELETE' THEN
            {raise_bank}
        ELSIF {_changed(BANK_FIXED, "IS DISTINCT FROM")} THEN
            {raise_bank}
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""
    )
    statements.append(
        "CREATE TRIGGER impact_questionbank_fixed BEFORE UPDATE OR DELETE ON impact_questionbank "
        "FOR EACH ROW EXECUTE FUNCTION impact_questionbank_fixed();"
    )
    for table, published in BANK_CHILDREN:
        statements.append(
            f"""
CREATE OR REPLACE FUNCTION {table}_published() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND ({published.replace("R.", "OLD.")}) IS NOT NULL THEN
        {raise_bank}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF ({published.replace("R.", "NEW.")}) IS NOT NULL THEN
            {raise_bank}
        END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
"""
        )
        statements.append(
            f"CREATE TRIGGER {table}_published BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_published();"
        )
    return statements


def _pg_drops() -> list[str]:
    drops = [
        "DROP TRIGGER IF EXISTS impact_assessment_fixed ON impact_impactassessment;",
        "DROP FUNCTION IF EXISTS impact_assessment_fixed();",
        "DROP TRIGGER IF EXISTS impact_questionbank_fixed ON impact_questionbank;",
        "DROP FUNCTION IF EXISTS impact_questionbank_fixed();",
    ]
    for table, _, _ in CHILDREN:
        drops += [
            f"DROP TRIGGER IF EXISTS {table}_final ON {table};",
            f"DROP FUNCTION IF EXISTS {table}_final();",
        ]
    for table, _ in BANK_CHILDREN:
        drops += [
            f"DROP TRIGGER IF EXISTS {table}_published ON {table};",
            f"DROP FUNCTION IF EXISTS {table}_published();",
        ]
    return drops


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in _pg_statements():
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        for statement in _sqlite_statements():
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in _pg_drops():
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        for name in _sqlite_names():
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")


class Migration(migrations.Migration):
    dependencies = [("impact", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
