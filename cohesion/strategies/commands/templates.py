"""`cohesion strategy templates|load-template`: strategies from the seed documents.

    cohesion strategy templates
    cohesion strategy load-template NAME [--owner ORG_NAME] [--council GSS] [--slug S]
                                         [--as-user USERNAME]

Without --owner the strategy belongs to the council organisation the template
names (Derby City Council, Sheffield City Council) if it exists here; without
--council it is tied to that council's area if the geography is loaded.
"""

from __future__ import annotations

import sys
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError

from cohesion.accounts.models import Organisation, OrganisationType, User
from cohesion.areas.models import Area, AreaLevel
from cohesion.strategies import loader
from cohesion.strategies.commands import Handler


def _stdout(options: dict[str, Any]) -> IO[str]:
    # call_command(stdout=...) passes its stream in the options; the shell has sys.stdout.
    stream = options.get("stdout")
    return stream if stream is not None else sys.stdout


def _counts(counts: dict[str, int]) -> str:
    def words(name: str, n: int) -> str:
        singular = {"principles": "principle", "group members": "group member"}
        return f"{n} {singular.get(name, name[:-1]) if n == 1 else name}"

    return ", ".join(words(name, n) for name, n in counts.items() if n)


def handle_templates(options: dict[str, Any]) -> None:
    out = _stdout(options)
    for info in loader.available_templates():
        out.write(f"{info.name}\n")
        out.write(f"  {info.title} ({info.kind})\n")
        out.write(f"  source: {info.source}\n")
        out.write(f"  contains: {_counts(info.counts)}\n")


def _council(code: str | None, template: dict[str, Any]) -> Area | None:
    wanted = code or template.get("council")
    if not wanted:
        return None
    area = (
        Area.objects.filter(code=wanted.strip().upper(), level=AreaLevel.LAD)
        .order_by("-generation")
        .first()
    )
    if area is None and code:
        raise CommandError(
            f"No council area with the GSS code {code!r}: load the geography first "
            "(`cohesion areas load-bundled` or `cohesion areas import`) or check the code"
        )
    return area


def _owner(name: str | None, template: dict[str, Any], council: Area | None) -> Organisation:
    if name:
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            raise CommandError(f"No organisation called {name!r}: check the name")
        return organisation
    organisation = Organisation.objects.filter(name=template.get("owner", "")).first()
    if organisation is None and council is not None:
        councils = Organisation.objects.filter(type=OrganisationType.COUNCIL, areas=council)
        if councils.count() == 1:
            organisation = councils.get()
    if organisation is None:
        raise CommandError(
            f"No organisation to own it: {template.get('owner') or 'the council'} is not set "
            "up here. Give --owner ORG_NAME with the name of an existing organisation."
        )
    return organisation


def handle_load_template(options: dict[str, Any]) -> None:
    try:
        template = loader.read_template(options["name"])
    except loader.TemplateError as error:
        raise CommandError(str(error)) from None
    by: User | None = None
    if options.get("as_user"):
        by = User.objects.filter(username=options["as_user"], is_active=True).first()
        if by is None:
            raise CommandError(f"No active account called {options['as_user']!r}")
    council = _council(options.get("council"), template)
    owner = _owner(options.get("owner"), template, council)
    try:
        strategy = loader.load_template(
            options["name"], owner=owner, council=council, by=by, slug=options.get("slug")
        )
    except loader.TemplateError as error:
        raise CommandError(str(error)) from None
    except PermissionDenied:
        raise CommandError(
            f"{by.username if by else 'This account'} may not start a strategy for {owner.name}"
        ) from None
    out = _stdout(options)
    out.write(
        f"Loaded {template['name']} as “{strategy.title}” (short name {strategy.slug}), "
        f"owned by {owner.name}"
        + (f", council {council.name}" if council is not None else ", no council area")
        + f": {_counts(loader.template_counts(template))}.\n"
    )


def register(sub: Any) -> dict[str, Handler]:
    sub.add_parser("templates", help="List the strategy templates taken from the seed documents")
    load = sub.add_parser(
        "load-template",
        help="Create a strategy from a template (refused if its short name is taken)",
    )
    load.add_argument("name", metavar="NAME", help="The template, e.g. derby-charter-2014")
    load.add_argument(
        "--owner",
        metavar="ORG_NAME",
        help="Organisation that owns it (default: the council the template names)",
    )
    load.add_argument(
        "--council",
        metavar="GSS",
        help="Council area's GSS code (default: the template's council, e.g. E06000015)",
    )
    load.add_argument(
        "--slug", metavar="S", help="Short name for its web address (default: the template name)"
    )
    load.add_argument(
        "--as-user",
        metavar="USERNAME",
        help="Load it as this person (checked and audited as them; default: the system)",
    )
    return {"templates": handle_templates, "load-template": handle_load_template}
