"""GOV.UK Design System markup for ordinary Django forms.

Forms subclass `GovUKForm` (or `GovUKModelForm`) and render with ``{{ form }}``:
each field becomes a GOV.UK form group with its label, hint and error message,
and the widget carries the right GOV.UK classes and ``aria-describedby``. The
page shows the error summary with ``{% include "_components/error_summary.html" %}``.
Keeping this in one module means every form in the product looks and behaves the
same, and what a user typed is always redisplayed after an error.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer, TemplatesSetting
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

_WIDGET_CLASSES: dict[type[forms.Widget], str] = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.RadioSelect: "govuk-radios__input",
    forms.CheckboxSelectMultiple: "govuk-checkboxes__input",
}
_ERROR_MODIFIERS = {
    "govuk-input": "govuk-input--error",
    "govuk-textarea": "govuk-textarea--error",
    "govuk-select": "govuk-select--error",
    "govuk-file-upload": "govuk-file-upload--error",
}


class GovUKFormRenderer(TemplatesSetting):
    """Renders forms and fields with Cohesion's GOV.UK templates."""

    form_template_name = "_components/forms/form.html"
    field_template_name = "_components/forms/field.html"


def widget_class(widget: forms.Widget) -> str:
    """The GOV.UK class for a widget; text-like inputs get ``govuk-input``."""
    for widget_type in type(widget).__mro__:
        if widget_type in _WIDGET_CLASSES:
            return _WIDGET_CLASSES[widget_type]
    return "govuk-input"


class QuickSelect(forms.Select):
    """A ``<select>`` built in Python: the same markup as Django's template.

    Django renders each option through two template includes, about 0.1 ms an
    option; a list of every ward of every council made that most of a search
    page's time (see benchmarks/directory_search.py).
    """

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = []
        for group_name, group_options, _index in widget["optgroups"]:
            options = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((str(o["value"]), flatatt(o["attrs"]), o["label"]) for o in group_options),
            )
            if group_name:
                parts.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, options))
            else:
                parts.append(options)
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(parts)),  # each part was escaped by format_html
        )


class GovUKBoundField(forms.BoundField):
    """Adds GOV.UK classes and the hint/error ``aria-describedby`` to the widget."""

    def build_widget_attrs(
        self, attrs: dict[str, Any], widget: forms.Widget | None = None
    ) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        base = widget_class(widget)
        # The widget's own classes (e.g. a GOV.UK width) are kept: Django would otherwise
        # replace them with these when it merges the two sets of attributes.
        classes = [base, str(widget.attrs.get("class", "")), str(attrs.get("class", ""))]
        described_by = []
        if self.help_text:
            described_by.append(f"{self.auto_id}-hint")
        if self.errors:
            classes.append(_ERROR_MODIFIERS.get(base, ""))
            described_by.append(f"{self.auto_id}-error")
        attrs["class"] = " ".join(c for c in classes if c)
        if described_by and not isinstance(
            widget, forms.RadioSelect | forms.CheckboxSelectMultiple
        ):
            attrs["aria-describedby"] = " ".join(described_by)
        return attrs

    @property
    def is_fieldset(self) -> bool:
        """Radios and checkbox groups are wrapped in a fieldset with a legend."""
        return isinstance(self.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)

    @property
    def is_single_checkbox(self) -> bool:
        return isinstance(self.field.widget, forms.CheckboxInput)


class GovUKFormMixin:
    """Shared by GovUKForm and GovUKModelForm."""

    bound_field_class: type[forms.BoundField] | None = GovUKBoundField
    template_name_div = "_components/forms/form.html"

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, message) pairs for the GOV.UK error summary, in field order."""
        form: forms.BaseForm = self  # type: ignore[assignment]
        items: list[tuple[str, str]] = []
        for message in form.non_field_errors():
            items.append(("", str(message)))
        for name, field in form.fields.items():
            bound = form[name]
            for message in bound.errors:
                anchor = bound.auto_id or name
                if isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                    anchor = f"{anchor}_0"
                items.append((f"#{anchor}", str(message)))
        return items


class GovUKForm(GovUKFormMixin, forms.Form):
    """Base class for every non-model form in Cohesion."""


class GovUKModelForm(GovUKFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    """Base class for every model form in Cohesion."""
