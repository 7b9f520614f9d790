"""Validate a 360Giving package (or one grant) against the vendored 1.4 schema, offline."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import FormatChecker, ValidationError  # type: ignore[import-untyped]
from jsonschema.validators import validator_for  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).parent / "schema"
GRANT_SCHEMA = SCHEMA_DIR / "360-giving-schema.json"
PACKAGE_SCHEMA = SCHEMA_DIR / "360-giving-package-schema.json"
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")

# Without a date-time check, "2026-05-01" would match both branches of the schema's
# `oneOf: [{format: date-time}, {pattern: YYYY-MM-DD}]` and fail; jsonschema only checks
# date-time with an optional extra package, so the checks live here.
FORMATS = FormatChecker(formats=())


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    return True


def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and (parts.netloc or parts.scheme in ("mailto", "urn")))


FORMATS.checks("date-time", raises=ValueError)(_is_date_time)
FORMATS.checks("uri")(_is_uri)


@dataclass(frozen=True)
class SchemaError:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@cache
def _validators() -> tuple[Any, Any]:
    grant_schema = load(GRANT_SCHEMA)
    package_schema = load(PACKAGE_SCHEMA)
    registry: Registry[Any] = Registry().with_resource(
        GRANT_SCHEMA.name, Resource.from_contents(grant_schema, default_specification=DRAFT4)
    )
    grant_cls = validator_for(grant_schema)
    package_cls = validator_for(package_schema)
    return (
        grant_cls(grant_schema, registry=registry, format_checker=FORMATS),
        package_cls(package_schema, registry=registry, format_checker=FORMATS),
    )


def _leaf_errors(error: ValidationError) -> list[ValidationError]:
    """For a failed oneOf/anyOf, the errors of the branch that came closest."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        if all(sub.validator in ("format", "pattern") for sub in error.context):
            return [error]
        branches: dict[int, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        best = min(branches.values(), key=len)
        return [leaf for sub in best for leaf in _leaf_errors(sub)]
    return [error]


def _describe(error: ValidationError) -> str:
    if error.validator in ("oneOf", "anyOf"):
        return f"{error.instance!r} is not a date (YYYY-MM-DD) or a full date-time"
    if error.validator == "required":
        field = str(error.message).split("'")[1] if "'" in error.message else error.message
        return f"'{field}' is missing"
    if error.validator == "type":
        return f"{error.instance!r} should be a {error.validator_value}, not {type(error.instance).__name__}"
    if error.validator == "format":
        return f"{error.instance!r} is not a valid {error.validator_value}"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of the allowed values"
    return str(error.message)


def _errors(validator: Any, instance: Any) -> list[SchemaError]:
    found: list[SchemaError] = []
    seen: set[tuple[str, str]] = set()
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
        for leaf in _leaf_errors(error):
            item = (leaf.json_path, _describe(leaf))
            if item not in seen:
                seen.add(item)
                found.append(SchemaError(*item))
    return found


def validate_package(package: dict[str, Any]) -> list[SchemaError]:
    """Every way `package` breaks the 360Giving package schema (empty if valid)."""
    return _errors(_validators()[1], package)


def validate_grant(grant: dict[str, Any]) -> list[SchemaError]:
    """Every way one grant breaks the 360Giving grant schema (empty if valid)."""
    return _errors(_validators()[0], grant)
