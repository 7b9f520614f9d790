"""Validate JSON against the vendored HSDS 3 / Open Referral UK 3.0 schemas, offline.

The upstream files `$ref` each other by bare file name ("schedule.json"); every
file is registered in a `referencing.Registry` under that name (and under the
HSDS 3.2 `$id` base, which two files carry), so nothing is fetched. See
schemas/README.md for the sources and the two corrections applied at load.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).parent / "schemas"
HSDS_ID_BASE = "https://raw.githubusercontent.com/openreferral/specification/refs/heads/3.2/schema/"
PROFILE_URI = "https://openreferraluk.org/profile/3.0"
VERSION = "3.0"

# Entities served by the API, by the name of their schema file.
ENTITIES = (
    "service",
    "service_at_location",
    "organization",
    "taxonomy",
    "taxonomy_term",
    "location",
)


def _merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = _merge_patch(result.get(key), value)
    return result


def _drop_undeclared_required(schema: dict[str, Any]) -> dict[str, Any]:
    """Upstream slip at uk-profile 6eee0e4: `required: [..., "url"]` with no `url` property."""
    properties = schema.get("properties", {})
    if "required" in schema:
        schema["required"] = [name for name in schema["required"] if name in properties]
    return schema


@functools.cache
def schemas() -> dict[str, dict[str, Any]]:
    """Every vendored schema by file name, profile files over HSDS ones, corrections applied."""
    loaded: dict[str, dict[str, Any]] = {}
    for folder in ("hsds", "oruk"):
        for path in sorted((SCHEMA_DIR / folder).glob("*.json")):
            if path.name.endswith(".patch.json"):
                continue
            loaded[path.name] = json.loads(path.read_text(encoding="utf-8"))
    patch = json.loads((SCHEMA_DIR / "oruk" / "profile_address.patch.json").read_text())
    loaded["address.json"] = _merge_patch(loaded["address.json"], patch)
    return {name: _drop_undeclared_required(copy.deepcopy(s)) for name, s in loaded.items()}


def _page_schema(item: str) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "total_items": {"type": "integer", "minimum": 0},
            "total_pages": {"type": "integer", "minimum": 0},
            "page_number": {"type": "integer", "minimum": 1},
            "size": {"type": "integer", "minimum": 0},
            "first_page": {"type": "boolean"},
            "last_page": {"type": "boolean"},
            "empty": {"type": "boolean"},
            "contents": {"type": "array", "items": {"$ref": f"{item}.json"}},
        },
        "required": [
            "total_items",
            "total_pages",
            "page_number",
            "size",
            "first_page",
            "last_page",
            "empty",
            "contents",
        ],
    }


ROOT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "version": {"type": "string"},
        "profile": {"type": "string", "format": "uri"},
        "openapi_url": {"type": "string"},
    },
    "required": ["version", "profile"],
}


@functools.cache
def registry() -> Registry[Any]:
    resources: list[tuple[str, Resource[Any]]] = []
    for name, schema in schemas().items():
        resource = DRAFT202012.create_resource(schema)
        resources.append((name, resource))
        resources.append((HSDS_ID_BASE + name, resource))
    for entity in ENTITIES:
        resources.append((f"{entity}_page.json", DRAFT202012.create_resource(_page_schema(entity))))
    return Registry().with_resources(resources)


@functools.cache
def validator(kind: str) -> Draft202012Validator:
    """`kind` is an entity ("service") or a page of one ("service_page"), or "root"."""
    if kind == "root":
        return Draft202012Validator(ROOT_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return Draft202012Validator(
        {"$ref": f"{kind}.json"},
        registry=registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def iter_errors(kind: str, instance: Any) -> Iterator[ValidationError]:
    yield from sorted(validator(kind).iter_errors(instance), key=lambda e: list(e.absolute_path))


def describe(error: ValidationError, prefix: str = "$") -> str:
    """`$.service_at_locations[0].location.id: 'x' is not a 'uuid'`."""
    path = prefix
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return f"{path}: {error.message}"


def errors(kind: str, instance: Any, prefix: str = "$") -> list[str]:
    return [describe(e, prefix) for e in iter_errors(kind, instance)]
