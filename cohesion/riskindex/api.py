"""`/api/v1/index/…`: the cohesion risk index, with the same permissions as the pages.

Every endpoint loads the configuration through `access` (404 for missing and out
of scope alike); changing or computing goes through `actions` (403 for a person
who can see the configuration but not configure it; a bad configuration is 422
with `{"errors": {field: [messages]}}`, the incidents API's shape; a stale
version is 409).

No `from __future__ import annotations` here: django-ninja reads the annotations at run time.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.insight.risk_index import method_sections, parse_config
from cohesion.insight.risk_index.config import ConfigError
from cohesion.riskindex import actions
from cohesion.riskindex.access import (
    can_configure,
    get_configuration_for,
    latest_run,
    visible_configurations,
)
from cohesion.riskindex.models import IndexConfiguration, IndexRun
from cohesion.riskindex.views import run_document

router = Router(tags=["Risk index"], auth=django_auth)


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class DetailOut(Schema):
    detail: str


class RunSummaryOut(Schema):
    id: int
    computed_at: dt.datetime
    computed_by: str | None
    configuration_version: int | None
    summary: dict[str, Any]


class ConfigurationOut(Schema):
    id: int
    council_code: str
    council_name: str
    name: str
    version: int = Field(..., description="Send this back with PUT; a stale version is refused")
    updated_at: dt.datetime
    can_configure: bool
    config: dict[str, Any] = Field(..., description="The `cohesion index compute --config` JSON")
    latest_run: RunSummaryOut | None


class ConfigurationListItem(Schema):
    id: int
    council_code: str
    council_name: str
    name: str
    version: int
    indicators: list[str]
    latest_run_at: dt.datetime | None
    can_configure: bool


class ResultsOut(Schema):
    council: str
    council_name: str
    configuration: int
    computed_at: str
    computed_by: str | None
    config: dict[str, Any]
    data_vintage: dict[str, Any]
    summary: dict[str, Any]
    rows: list[dict[str, Any]]


class MethodTableOut(Schema):
    headers: list[str]
    rows: list[list[str]]


class MethodSectionOut(Schema):
    title: str
    paragraphs: list[str]
    table: MethodTableOut | None


class MethodOut(Schema):
    configuration: int
    name: str
    run: int | None
    sections: list[MethodSectionOut]
    data_vintage: dict[str, Any]


class ConfigIn(Schema):
    version: int = Field(..., description="The version you started from")
    config: dict[str, Any]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require_view(user: User) -> None:
    if not has_permission(user, Permission.RISK_INDEX_VIEW):
        raise Http404


def _errors(exc: ValidationError) -> Status[ErrorsOut]:
    if hasattr(exc, "error_dict"):
        errors = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    else:
        errors = {"__all__": [str(m) for m in exc.messages]}
    return Status(422, ErrorsOut(errors=errors))


def _run_summary(run: IndexRun | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "id": run.pk,
        "computed_at": run.computed_at,
        "computed_by": run.computed_by.username if run.computed_by else None,
        "configuration_version": (run.summary or {}).get("configuration_version"),
        "summary": run.summary,
    }


def _configuration(user: User, configuration: IndexConfiguration) -> dict[str, Any]:
    return {
        "id": configuration.pk,
        "council_code": configuration.council.code,
        "council_name": configuration.council.name,
        "name": configuration.name,
        "version": configuration.version,
        "updated_at": configuration.updated_at,
        "can_configure": can_configure(user, configuration),
        "config": configuration.config,
        "latest_run": _run_summary(latest_run(configuration)),
    }


@router.get(
    "/configurations/",
    response=list[ConfigurationListItem],
    summary="Risk index configurations of the councils you cover",
)
def list_configurations(request: HttpRequest) -> Any:
    user = _user(request)
    _require_view(user)
    out = []
    for c in visible_configurations(user):
        run = latest_run(c)
        out.append(
            {
                "id": c.pk,
                "council_code": c.council.code,
                "council_name": c.council.name,
                "name": c.name,
                "version": c.version,
                "indicators": [i.get("key", "") for i in c.config.get("indicators", [])],
                "latest_run_at": run.computed_at if run else None,
                "can_configure": can_configure(user, c),
            }
        )
    return out


@router.get(
    "/configurations/{configuration_id}",
    response=ConfigurationOut,
    summary="One configuration with its latest run's summary",
)
def get_configuration(request: HttpRequest, configuration_id: str) -> Any:
    user = _user(request)
    return _configuration(user, get_configuration_for(user, configuration_id))


@router.get(
    "/configurations/{configuration_id}/results",
    response={200: ResultsOut, 404: DetailOut},
    summary="The latest run: per-ward ranks, intervals, values; config, vintage and summary",
)
def get_results(request: HttpRequest, configuration_id: str) -> Any:
    user = _user(request)
    configuration = get_configuration_for(user, configuration_id)
    run = latest_run(configuration)
    if run is None:
        return Status(404, DetailOut(detail="This index has not been computed yet"))
    return run_document(configuration, run)


@router.get(
    "/configurations/{configuration_id}/method",
    response=MethodOut,
    summary="The method page's sections, from the latest run's configuration",
)
def get_method(request: HttpRequest, configuration_id: str) -> Any:
    user = _user(request)
    configuration = get_configuration_for(user, configuration_id)
    run = latest_run(configuration)
    try:
        parsed = parse_config(run.config if run is not None else configuration.config)
    except ConfigError:
        raise Http404 from None
    return {
        "configuration": configuration.pk,
        "name": parsed.name,
        "run": run.pk if run else None,
        "sections": [
            {
                "title": s.title,
                "paragraphs": list(s.paragraphs),
                "table": (
                    {"headers": list(s.table.headers), "rows": [list(r) for r in s.table.rows]}
                    if s.table is not None
                    else None
                ),
            }
            for s in method_sections(parsed)
        ],
        "data_vintage": (run.data_vintage if run else {}) or {},
    }


@router.post(
    "/configurations/{configuration_id}/compute",
    response={200: ResultsOut, 403: DetailOut, 404: DetailOut, 422: ErrorsOut},
    summary="Compute the index now on the council's current data",
)
def compute(request: HttpRequest, configuration_id: str) -> Any:
    user = _user(request)
    configuration = get_configuration_for(user, configuration_id)
    try:
        run = actions.compute(by=user, configuration=configuration)
    except PermissionDenied:
        return Status(403, DetailOut(detail="You cannot compute this risk index"))
    except ValidationError as exc:
        return _errors(exc)
    return run_document(configuration, run)


@router.put(
    "/configurations/{configuration_id}",
    response={
        200: ConfigurationOut,
        403: DetailOut,
        404: DetailOut,
        409: ErrorsOut,
        422: ErrorsOut,
    },
    summary="Replace the configuration (send the version you started from)",
)
def update_configuration(request: HttpRequest, configuration_id: str, payload: ConfigIn) -> Any:
    user = _user(request)
    configuration = get_configuration_for(user, configuration_id)
    try:
        saved = actions.save_configuration(
            by=user,
            configuration=configuration,
            config=payload.config,
            expected_version=payload.version,
        )
    except PermissionDenied:
        return Status(403, DetailOut(detail="You cannot configure this risk index"))
    except actions.StaleConfiguration as exc:
        return Status(409, ErrorsOut(errors={"version": [str(m) for m in exc.messages]}))
    except ValidationError as exc:
        return _errors(exc)
    return _configuration(user, saved)
