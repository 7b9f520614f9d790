"""A setting's options, checked by the same code as `cohesion detect`.

`detect.build_control` is the one place that knows each method's options and
their ranges; here its `OptionError` becomes a Django `ValidationError` keyed by
the option's name, so a form or the API can put the message beside the field.
Options are stored as JSON in `DetectionSetting.options` with the command
line's snake_case names (`limit54` as a two-item list).

Ward-level series are many (a ward-by-strand grid), so a per-series method
(anything but the scan) run on them gets Benjamini-Hochberg control of the
false discovery rate across all of them (`fdr`, 0.05) unless the setting says
otherwise; the scan allows for its many wards by design.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError

from cohesion.earlywarning.models import SeriesLevel
from cohesion.insight.early_warning.detect import METHODS, OptionError, build_control

WARD_FDR = 0.05
SCAN = "space-time-scan"


def clean_options(method: str, options: Mapping[str, Any] | None, *, level: str) -> dict[str, Any]:
    """The options as stored: checked, with None dropped; ValidationError names the option."""
    if method not in METHODS:
        raise ValidationError({"method": [f"Choose one of: {', '.join(METHODS)}."]})
    given = {key: value for key, value in (options or {}).items() if value is not None}
    if "limit54" in given and isinstance(given["limit54"], tuple):
        given["limit54"] = list(given["limit54"])
    if level == SeriesLevel.WARD and method != SCAN and "fdr" not in given:
        given["fdr"] = WARD_FDR
    try:
        build_control(method, given)
    except OptionError as exc:
        field = exc.option if exc.option in given else "options"
        raise ValidationError({field: [_sentence(exc)]}) from None
    if "fdr" in given:
        fdr = given["fdr"]
        if isinstance(fdr, bool) or not isinstance(fdr, int | float) or not 0 < fdr <= 1:
            raise ValidationError({"fdr": ["fdr must be a number above 0 and at most 1."]})
    if "limit54" in given and isinstance(given["limit54"], str):
        given["limit54"] = [int(part) for part in given["limit54"].split(",")]
    return given


def _sentence(exc: OptionError) -> str:
    text = str(exc)
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def detect_options(method: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """Stored options as `detect()` takes them."""
    return dict(options)
