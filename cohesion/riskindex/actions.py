"""State changes in the risk index: save a configuration, compute it, create the default.

A configuration is validated by the same `parse_config` as `cohesion index
compute`, against the measures this council's data actually holds, so a
configuration that saves is one that computes. Saving is optimistic: the
editor sends the version they started from, and a save over someone else's
change in between is refused rather than silently overwriting it. A run keeps
the configuration exactly as computed and the vintage of every indicator's
data, so a published result can be reproduced and its method page rebuilt.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cohesion.accounts.models import User
from cohesion.areas.models import Area
from cohesion.audit.log import record
from cohesion.audit.models import AuditAction
from cohesion.insight.risk_index import (
    ConfigError,
    IndexConfig,
    compute_index,
    config_to_dict,
    default_config,
    parse_config,
)
from cohesion.insight.risk_index.compute import DataError
from cohesion.riskindex.access import can_configure
from cohesion.riskindex.indicators import (
    available_indicators,
    council_by_code,
    indicator_table,
    ward_names,
)
from cohesion.riskindex.models import IndexConfiguration, IndexRun


class StaleConfiguration(ValidationError):
    """Someone saved the configuration since this edit began."""


STALE_MESSAGE = (
    "Someone else changed this configuration since you opened it. Your changes have not "
    "been saved: reload the page to see the current version, then make your changes again."
)


def jsonable(value: Any) -> Any:
    """Plain JSON: numpy scalars to Python, NaN and infinities to null (jsonb refuses NaN)."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray | pd.Index):
        return [jsonable(v) for v in value]
    if isinstance(value, pd.Series):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, pd.DataFrame):
        return [jsonable(row) for row in value.to_dict(orient="records")]
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        number = float(value)
        return number if math.isfinite(number) else None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def check_config(council: Area, config: Mapping[str, Any]) -> IndexConfig:
    """The parsed configuration, or ValidationError({"config": [every problem]})."""
    try:
        return parse_config(config, available=available_indicators(council).keys())
    except ConfigError as error:
        raise ValidationError({"config": error.problems}) from None


@transaction.atomic
def create_default_configuration(
    council: Area, *, by: User | None = None, name: str | None = None
) -> IndexConfiguration:
    """The council's default index (index-core's `default_config` for the data it has).

    Idempotent: an existing configuration of that name is returned unchanged.
    """
    config = default_config(available_indicators(council).keys())
    parsed = check_config(council, config)
    configuration, created = IndexConfiguration.objects.get_or_create(
        council=council,
        name=name or parsed.name,
        defaults={"config": config_to_dict(parsed), "updated_by": by},
    )
    if created:
        record(
            action=AuditAction.RISK_INDEX_CONFIGURED,
            by=by,
            target=council,
            detail={
                "council": council.code,
                "configuration": configuration.pk,
                "name": configuration.name,
                "version": configuration.version,
                "created": True,
                "indicators": parsed.keys,
            },
        )
    return configuration


def _changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


@transaction.atomic
def save_configuration(
    *,
    by: User,
    configuration: IndexConfiguration,
    config: Mapping[str, Any],
    expected_version: int,
) -> IndexConfiguration:
    """Replace the configuration if it is still at `expected_version` and valid.

    Raises PermissionDenied without RISK_INDEX_CONFIGURE over the council,
    ValidationError({"config": [...]}) for a configuration that would not
    compute, and StaleConfiguration when someone saved in between.
    """
    if not can_configure(by, configuration):
        raise PermissionDenied
    parsed = check_config(configuration.council, config)
    cleaned = config_to_dict(parsed)
    before = dict(configuration.config or {})
    # One conditional UPDATE: two people saving at once cannot both pass the check.
    updated = IndexConfiguration.objects.filter(
        pk=configuration.pk, version=expected_version
    ).update(
        config=cleaned,
        version=F("version") + 1,
        updated_by=by,
        updated_at=timezone.now(),
    )
    if not updated:
        raise StaleConfiguration({"version": [STALE_MESSAGE]})
    configuration.refresh_from_db()
    record(
        action=AuditAction.RISK_INDEX_CONFIGURED,
        by=by,
        target=configuration.council,
        detail={
            "council": configuration.council.code,
            "configuration": configuration.pk,
            "name": configuration.name,
            "version": configuration.version,
            "changed": _changed(before, cleaned),
            "indicators": parsed.keys,
        },
    )
    return configuration


def run_summary(result: Any) -> dict[str, Any]:
    """The run's summary: robustness figures, declared vs actual influence, treatments."""
    summary = dict(result.summary)
    summary["influence"] = jsonable(result.influence)
    summary["treatments"] = jsonable([t.to_dict() for t in result.treatments])
    return jsonable(summary)  # type: ignore[no-any-return]


@transaction.atomic
def compute(*, by: User | None, configuration: IndexConfiguration) -> IndexRun:
    """Compute the index on the council's current data and store the run.

    `by=None` is the system (the demo loader); a person needs
    RISK_INDEX_CONFIGURE over the council. Synchronous: a council's wards times
    a thousand simulations take well under a second.
    """
    if by is not None and not can_configure(by, configuration):
        raise PermissionDenied
    council = configuration.council
    parsed = check_config(council, configuration.config)
    table, vintage = indicator_table(council, parsed.keys)
    try:
        result = compute_index(table, parsed, names=ward_names(council))
    except DataError as error:
        raise ValidationError({"data": error.problems}) from None
    summary = run_summary(result)
    # The version the run was computed from, so a page can say "computed from version n".
    summary["configuration_version"] = configuration.version
    run = IndexRun.objects.create(
        configuration=configuration,
        config=config_to_dict(parsed),
        data_vintage=jsonable(vintage),
        results=jsonable(result.to_records()),
        summary=summary,
        computed_by=by,
    )
    record(
        action=AuditAction.RISK_INDEX_COMPUTED,
        by=by,
        target=council,
        detail={
            "council": council.code,
            "configuration": configuration.pk,
            "version": configuration.version,
            "run": run.pk,
            "wards": len(table),
            "simulations": parsed.robustness.simulations,
        },
    )
    return run


def record_command_line_run(result: Any, args: Any) -> None:
    """Audit `cohesion index compute --council`: ranks of a council's wards were produced.

    The command line reads the same indicators as the pages (incident rates among
    them), so a run from a terminal is as visible in the audit trail as one from a page.
    """
    council = council_by_code(args.council)
    record(
        action=AuditAction.RISK_INDEX_COMPUTED,
        by=None,
        target=council,
        detail={
            "council": council.code,
            "configuration_file": str(args.config),
            "output": str(args.output),
            "wards": int(result.summary.get("areas", 0)),
            "simulations": int(result.summary.get("simulations", 0)),
        },
    )
