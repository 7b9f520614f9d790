"""Alerts in plain words: what was seen, what was expected, and what it was compared with.

An alert is a prompt for an officer, not a finding (reference §6.4), so it must
say, without statistics vocabulary, how many incidents there were, how many
would have been usual, where "unusual" starts, which method judged it and what
past it was compared with. The same sentences go on the page, in the email and
in the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from cohesion.earlywarning.defaults import FARRINGTON, METHOD_LABELS, SCAN
from cohesion.earlywarning.models import Alert, DateAxis

# The methods' own defaults, for describing a setting that leaves an option out.
_FARRINGTON = {"b": 5, "w": 3, "no_periods": 10, "past_weeks_not_included": 26}
_EARS_BASELINE = 7
_SCAN = {"study_weeks": 52, "max_weeks": 4, "max_areas": 10}


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _number(value: float) -> str:
    """A count as people say it: whole numbers plainly, others to one decimal place."""
    if abs(value - round(value)) < 1e-9:
        return str(round(value))
    return f"{value:.1f}"


def method_label(method: str, options: Mapping[str, Any] | None = None) -> str:
    """The method's name as an alert gives it."""
    options = options or {}
    if method == FARRINGTON:
        if int(options.get("no_periods", _FARRINGTON["no_periods"])) > 1:
            return "Improved Farrington method (Noufaily 2013)"
        return "Farrington method (Farrington 1996)"
    return METHOD_LABELS.get(method, method)


def reference_window(method: str, options: Mapping[str, Any] | None = None) -> str:
    """What the week was compared with, in plain words (fits Alert.reference_window)."""
    options = options or {}
    if method == FARRINGTON:
        b = int(options.get("b", _FARRINGTON["b"]))
        w = int(options.get("w", _FARRINGTON["w"]))
        past = int(options.get("past_weeks_not_included", _FARRINGTON["past_weeks_not_included"]))
        years = "the last year" if b == 1 else f"the last {b} years"
        text = f"comparing with the same time of year over {years}"
        if int(options.get("no_periods", _FARRINGTON["no_periods"])) <= 1:
            text += f" ({_plural(w, 'week')} either side)"
        if past:
            text += f", leaving out the latest {_plural(past, 'week')}"
        return text
    if method.startswith("ears-"):
        baseline = int(options.get("baseline", _EARS_BASELINE))
        if method == "ears-c1":
            return f"comparing with the {_plural(baseline, 'week')} just before"
        return f"comparing with {_plural(baseline, 'week')}, leaving out the 2 weeks just before"
    if method == "cusum":
        return "adding up rises above the usual level week by week since the last alarm"
    if method == SCAN:
        study = int(options.get("study_weeks", _SCAN["study_weeks"]))
        most = int(options.get("max_weeks", _SCAN["max_weeks"]))
        areas = int(options.get("max_areas", _SCAN["max_areas"]))
        return (
            f"comparing where and when the incidents of the last {_plural(study, 'week')} fell, "
            f"looking for up to {_plural(areas, 'neighbouring ward')} over up to "
            f"{_plural(most, 'week')}"
        )
    return "comparing with past weeks"


def series_label(area_name: str, strand_label: str | None) -> str:
    return f"{area_name}, {strand_label or 'all strands'}"


def _strand_words(alert: Alert) -> str:
    return f"{alert.strand.label} only" if alert.strand_id and alert.strand else "all strands"


def cluster_names(alert: Alert, names: Sequence[str] | None = None) -> list[str]:
    """The other wards of a cluster, by name (the centre is `alert.area`)."""
    if names is not None:
        return list(names)
    return sorted(a.name for a in alert.cluster_areas.all() if a.pk != alert.area_id)


def alert_sentence(alert: Alert, *, others: Sequence[str] | None = None) -> str:
    """Everything an officer needs to judge the alert, in three or four sentences."""
    incidents = _plural(alert.observed, "incident")
    week = long_date(alert.week)
    axis = " (by the date reported)" if alert.axis == DateAxis.REPORTED else ""
    if alert.method == SCAN:
        other = cluster_names(alert, others)
        where = alert.area.name
        if other:
            where += f" and {_plural(len(other), 'neighbouring ward')} ({', '.join(other)})"
        start = alert.cluster_start or alert.week
        weeks = (alert.week - start).days // 7 + 1
        when = (
            f"in the week of {week}"
            if weeks == 1
            else f"over the {weeks} weeks to the week of {week}"
        )
        text = f"{incidents} in {where} {when}{axis}, {_strand_words(alert)}."
    else:
        text = (
            f"{incidents} in {alert.area.name} in the week of {week}{axis}, {_strand_words(alert)}."
        )
    if alert.expected is not None:
        text += (
            f" About {_number(alert.expected)} {'was' if alert.expected == 1 else 'were'} expected"
        )
        if alert.threshold is not None:
            text += f"; more than {_number(alert.threshold)} would be unusual."
        else:
            text += "."
    if alert.pvalue is not None and alert.method == SCAN and alert.pvalue > 0:
        text += f" A cluster this strong happens by chance about once in {round(1 / alert.pvalue)} weeks."
    text += f" {method_label(alert.method, alert.settings_used.get('options'))}, {alert.reference_window}."
    return text
