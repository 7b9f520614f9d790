"""`cohesion strategy export|import`: bulk edit of a strategy's actions in CSV or XLSX.

    cohesion strategy export STRATEGY --format csv|xlsx --output FILE [--as-user USERNAME]
    cohesion strategy import STRATEGY FILE --as-user USERNAME

STRATEGY is the strategy's slug. The format is described in `cohesion.strategies.bulk`.
An import is attributed to a person (its history rows name them), so it needs
--as-user; it changes nothing unless every row is valid, and lists the errors by
row and column otherwise (exit status 1).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.http import Http404

from cohesion.accounts.models import User
from cohesion.strategies import bulk
from cohesion.strategies.access import actions_visible_to, get_strategy_for_user
from cohesion.strategies.commands import Handler
from cohesion.strategies.models import Action, Strategy


def _stdout(options: dict[str, Any]) -> IO[str]:
    # call_command(stdout=...) passes its stream in the options; the shell has sys.stdout.
    stream = options.get("stdout")
    return stream if stream is not None else sys.stdout


def find_user(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"No active account called {username!r}")
    return user


def find_strategy(slug: str, user: User | None) -> Strategy:
    if user is not None:
        try:
            return get_strategy_for_user(user, slug)
        except Http404:
            raise CommandError(f"{user.username} cannot see a strategy called {slug!r}") from None
    strategy = Strategy.objects.filter(slug=slug).first()
    if strategy is None:
        raise CommandError(f"No strategy called {slug!r}: `cohesion strategy templates` lists some")
    return strategy


def write_atomically(output: Path, content: bytes) -> None:
    """Write beside the target and rename, so a failure leaves no partial file."""
    if not output.parent.is_dir():
        raise CommandError(f"The folder {output.parent} does not exist")
    handle, temporary = tempfile.mkstemp(dir=output.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def handle_export(options: dict[str, Any]) -> None:
    output = Path(options["output"])
    fmt = options["format"] or (output.suffix.lstrip(".").lower() or "csv")
    if fmt not in bulk.FORMATS:
        raise CommandError("Give --format csv or --format xlsx")
    user = find_user(options["as_user"]) if options["as_user"] else None
    strategy = find_strategy(options["strategy"], user)
    actions = actions_visible_to(user) if user is not None else Action.objects.all()
    content = bulk.export_actions(strategy, actions, fmt, by=user)
    write_atomically(output, content)
    count = actions.filter(strategy=strategy).count()
    _stdout(options).write(f"Wrote {count} actions of {strategy.slug} ({fmt}) to {output}\n")


def handle_import(options: dict[str, Any]) -> None:
    user = find_user(options["as_user"])
    strategy = find_strategy(options["strategy"], user)
    path = Path(options["file"])
    if not path.is_file():
        raise CommandError(f"No file at {path}")
    try:
        result = bulk.import_actions(
            by=user, strategy=strategy, filename=path.name, content=path.read_bytes()
        )
    except PermissionDenied:
        raise CommandError(f"{user.username} cannot update actions in {strategy.slug}") from None
    if not result.ok:
        lines = "\n".join(f"  {error}" for error in result.errors)
        problems = "problem" if len(result.errors) == 1 else "problems"
        raise CommandError(
            f"{path.name} has {len(result.errors)} {problems}; nothing was changed:\n{lines}"
        )
    _stdout(options).write(
        f"Imported {path.name} into {strategy.slug}: {result.created} created, "
        f"{result.updated} updated, {result.unchanged} unchanged\n"
    )


def register(sub: Any) -> dict[str, Handler]:
    export = sub.add_parser("export", help="Write a strategy's actions to a CSV or XLSX file")
    export.add_argument("strategy", metavar="STRATEGY", help="The strategy's slug")
    export.add_argument(
        "--format", choices=bulk.FORMATS, help="csv or xlsx (default: from the file name)"
    )
    export.add_argument("--output", required=True, help="The file to write")
    export.add_argument(
        "--as-user",
        dest="as_user",
        help="Export only what this person may see, and record it as theirs",
    )
    imp = sub.add_parser(
        "import", help="Create and update actions from a CSV or XLSX file (all or nothing)"
    )
    imp.add_argument("strategy", metavar="STRATEGY", help="The strategy's slug")
    imp.add_argument("file", metavar="FILE", help="The CSV or XLSX file, as exported")
    imp.add_argument(
        "--as-user",
        dest="as_user",
        required=True,
        help="The person the changes are made by (their rights apply)",
    )
    return {"export": handle_export, "import": handle_import}
