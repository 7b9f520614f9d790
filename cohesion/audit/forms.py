from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cohesion.audit.models import AuditAction
from cohesion.core.forms import GovUKForm


class AuditSearchForm(GovUKForm):
    """Filters for the audit trail page; every field is optional."""

    q = forms.CharField(
        label=_("Person or record"),
        required=False,
        help_text=_("A username, or part of a record's name or identifier"),
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        help_text=_("For example, 2026-11-01"),
        error_messages={"invalid": _("Enter the start date as year-month-day, like 2026-11-01")},
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        help_text=_("For example, 2026-11-30"),
        error_messages={"invalid": _("Enter the end date as year-month-day, like 2026-11-30")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Any action")), *AuditAction.choices]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must be the same as or after the start date"))
        return cleaned
