"""The `cohesion` console command: one entry point for users and operators.

`cohesion GROUP ACTION …` runs the Django management command of that name, so
every subcommand also works as `python manage.py GROUP ACTION …`.
"""

from __future__ import annotations

import os
import sys

GROUPS: list[tuple[str, str, list[str]]] = [
    # (name, what it is for, how it maps to manage.py)
    ("areas", "Load boundaries and lookups; find the ward at a point", ["areas"]),
    ("users", "Add organisations and accounts; list who has access", ["users"]),
    ("incidents", "Export incidents as the documented CSV", ["incidents"]),
    (
        "sia",
        "Strategic Intelligence Assessment as JSON or HTML, from a CSV or the database",
        [],
    ),
    (
        "detect",
        "Early warning: flag weeks with unusually many incidents, from a counts CSV",
        [],
    ),
    (
        "index",
        "Cohesion risk index: compute it from a configuration and indicators; print its method",
        [],
    ),
    (
        "strategy",
        "Load strategy templates; export and import actions as CSV or XLSX",
        ["strategy"],
    ),
    ("report", "Scrutiny report for a strategy as HTML, PDF or DOCX", ["report"]),
    ("directory", "Community directory: import an Open Referral UK feed", ["directory"]),
    ("grants", "Grants: export awarded grants as 360Giving JSON, CSV or XLSX", ["grants"]),
    ("early-warning", "Run the weekly early warning; backtest a setting", ["early_warning"]),
    (
        "impact",
        "Impact assessments: load or export the question bank, export the register, remind",
        ["impact"],
    ),
    ("keys", "Re-encrypt contact details under the newest key (rotate)", ["keys"]),
    ("demo", "Load the labelled synthetic demo dataset on real geography", ["demo"]),
    ("migrate", "Create or update the database tables", ["migrate"]),
    ("serve", "Serve the site (default http://127.0.0.1:8000)", ["runserver"]),
    ("worker", "Run background tasks (the Django tasks database worker)", ["db_worker"]),
    (
        "housekeeping",
        "Delete expired sessions and sign-in failures; apply the retention schedule",
        ["housekeeping"],
    ),
    ("check", "Check the configuration for problems (add --deploy for production)", ["check"]),
    ("manage", "Any other Django management command", []),
]

USAGE = """usage: cohesion COMMAND [ACTION] [OPTIONS]

Cohesion: run a community cohesion and integration strategy.

commands:
{commands}

Run `cohesion COMMAND --help` for a command's actions and options.
Settings come from environment variables; see .env.example.
"""


def usage() -> str:
    width = max(len(name) for name, _, _ in GROUPS)
    commands = "\n".join(f"  {name:<{width}}  {text}" for name, text, _ in GROUPS)
    return USAGE.format(commands=commands)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(usage())
        return 0
    group, rest = args[0], args[1:]
    mapping = {name: target for name, _, target in GROUPS}
    if group not in mapping:
        print(f"cohesion: unknown command {group!r}\n", file=sys.stderr)
        print(usage(), file=sys.stderr)
        return 2
    if group == "sia":
        return _sia(rest)
    if group == "detect":
        # The analytics layer alone: no Django, no settings, no database.
        from cohesion.insight.early_warning.cli import main as detect_main

        return detect_main(rest)
    if group == "index":
        return _index(rest)
    if group == "serve" and not any(not a.startswith("-") for a in rest):
        rest = [*rest, "127.0.0.1:8000"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cohesion.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["cohesion", *mapping[group], *rest])
    return 0


def _sia(rest: list[str]) -> int:
    """The analytics layer needs no Django, unless it must read incidents from the database."""
    from cohesion.insight.cli import main as sia_main

    if "--incidents" in rest or any(a.startswith("--incidents=") for a in rest):
        return sia_main(rest)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cohesion.settings")
    import django

    django.setup()
    from cohesion.audit.context import audit_channel
    from cohesion.incidents.sia_source import all_marginals

    with audit_channel("cli"):
        return sia_main(rest, load_marginals=all_marginals)


def _index(rest: list[str]) -> int:
    """The analytics layer alone, unless --council asks for indicators from the database."""
    from cohesion.insight.risk_index.cli import run as index_run

    if not any(a == "--council" or a.startswith("--council=") for a in rest):
        return index_run(rest)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cohesion.settings")
    import django

    django.setup()
    from cohesion.audit.context import audit_channel
    from cohesion.riskindex.actions import record_command_line_run
    from cohesion.riskindex.indicators import load_for_cli

    with audit_channel("cli"):
        return index_run(rest, load_data=load_for_cli, after=record_command_line_run)


if __name__ == "__main__":
    raise SystemExit(main())
