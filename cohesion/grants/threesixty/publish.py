"""One export: records -> package -> schema validation and quality checks -> bytes."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from cohesion.grants.threesixty import flatten
from cohesion.grants.threesixty.quality import ERROR, WARNING, Context, Issue, run_checks
from cohesion.grants.threesixty.records import Grant, Publisher
from cohesion.grants.threesixty.serialise import serialise_package
from cohesion.grants.threesixty.validate import SchemaError, validate_package

FORMATS = ("json", "csv", "xlsx")
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Report:
    package: dict[str, Any]
    schema_errors: list[SchemaError]
    issues: list[Issue]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def grant_count(self) -> int:
        return len(self.package["grants"])

    @property
    def can_publish(self) -> bool:
        return not self.schema_errors and not self.errors

    def error_lines(self) -> list[str]:
        lines = [f"schema: {error}" for error in self.schema_errors]
        return lines + [f"{i.grant_id}: {i.message}" for i in self.errors]


def check(
    grants: list[Grant],
    publisher: Publisher,
    *,
    today: date,
    now: datetime | None = None,
    ward_for_postcode: Callable[[str], str | None] | None = None,
) -> Report:
    package = serialise_package(grants, publisher, now=now)
    ctx = Context(today=today, ward_for_postcode=ward_for_postcode)
    return Report(package, validate_package(package), run_checks(package["grants"], ctx))


def render(report: Report, output_format: str) -> bytes:
    """The file in `output_format`; only call this when `report.can_publish`."""
    if output_format == "json":
        return (json.dumps(report.package, indent=2, ensure_ascii=False) + "\n").encode()
    if output_format == "csv":
        return flatten.to_csv(report.package["grants"])
    if output_format == "xlsx":
        return flatten.to_xlsx(report.package["grants"])
    raise ValueError(f"Unknown format {output_format!r}: use json, csv or xlsx.")
