"""`cohesion users …`: create and list accounts from the command line."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cohesion.accounts import actions
from cohesion.accounts.models import Organisation, OrganisationType, Role, User
from cohesion.areas.models import Area
from cohesion.audit.context import audit_channel


class Command(BaseCommand):
    help = "Create organisations and accounts, and list who has access."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        org = sub.add_parser("add-organisation", help="Add a partner organisation")
        org.add_argument("name")
        org.add_argument("--type", required=True, choices=[t.value for t in OrganisationType])
        org.add_argument(
            "--area", action="append", default=[], help="GSS code it works in (repeat)"
        )

        create = sub.add_parser("create", help="Create an account in an organisation")
        create.add_argument("username")
        create.add_argument("--organisation", required=True, help="Organisation name")
        create.add_argument("--role", required=True, choices=[r.value for r in Role])
        create.add_argument("--first-name", default="")
        create.add_argument("--last-name", default="")
        create.add_argument("--email", default="")
        create.add_argument("--job-title", default="")
        create.add_argument("--area", action="append", default=[], help="GSS code covered (repeat)")
        create.add_argument(
            "--password-stdin", action="store_true", help="Read the password from standard input"
        )

        sub.add_parser("list", help="List accounts with organisation and role")

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_channel("cli"):
            self._handle(options)

    def _handle(self, options: dict[str, Any]) -> None:
        getattr(self, "handle_" + options["action"].replace("-", "_"))(options)

    def _areas(self, codes: list[str]) -> list[Area]:
        areas = []
        for code in codes:
            area = Area.objects.filter(code=code.upper()).order_by("-generation").first()
            if area is None:
                raise CommandError(f"Area {code} is not loaded")
            areas.append(area)
        return areas

    def handle_add_organisation(self, options: dict[str, Any]) -> None:
        if Organisation.objects.filter(name=options["name"]).exists():
            raise CommandError(f"An organisation called {options['name']!r} already exists")
        organisation = actions.create_organisation(
            by=None,
            name=options["name"],
            type=OrganisationType(options["type"]),
            areas=self._areas(options["area"]),
        )
        self.stdout.write(self.style.SUCCESS(f"Added {organisation.name} ({organisation.uuid})"))

    def handle_create(self, options: dict[str, Any]) -> None:
        organisation = Organisation.objects.filter(name=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation called {options['organisation']!r}")
        if User.objects.filter(username=options["username"]).exists():
            raise CommandError(f"The username {options['username']!r} is taken")
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
        try:
            user = actions.create_user(
                by=None,
                username=options["username"],
                password=password,
                organisation=organisation,
                role=Role(options["role"]),
                first_name=options["first_name"],
                last_name=options["last_name"],
                email=options["email"],
                job_title=options["job_title"],
                areas=self._areas(options["area"]),
            )
        except ValidationError as exc:
            raise CommandError("Password not accepted: " + " ".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Created {user.username} in {organisation.name}"))

    def handle_list(self, options: dict[str, Any]) -> None:
        for user in User.objects.select_related("organisation").order_by(
            "organisation__name", "username"
        ):
            org = user.organisation.name if user.organisation else ""
            role = "operator" if user.is_superuser else user.role
            self.stdout.write(f"{user.username:24} {role:18} {org}")
