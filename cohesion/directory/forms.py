"""Directory forms: public search, and the staff form for a service with its locations and times."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cohesion.areas.models import Area, AreaLevel
from cohesion.core.forms import GovUKForm, QuickSelect
from cohesion.directory.models import (
    LocationType,
    Organization,
    ScheduleFreq,
    ServiceStatus,
    TaxonomyTerm,
)
from cohesion.directory.vocab import DAYS, DEFAULT_RADIUS_MILES, LANGUAGES, RADII_MILES

UK_LAT = (49.0, 61.5)
UK_LON = (-9.0, 3.0)


class AreaChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    widget = QuickSelect

    def label_from_instance(self, obj: Any) -> str:
        council = obj.council.name if obj.council_id else ""
        return f"{obj.name} ({council})" if council else obj.name


def wards() -> QuerySet[Area]:
    return (
        Area.objects.filter(level=AreaLevel.WARD)
        .select_related("council")
        # Only what the list and distance search use: the rest (boundaries above all)
        # cost more to load than the page's search (benchmarks/directory_search.py).
        .only("id", "code", "name", "point_lat", "point_lon", "council_id", "council__name")
        .order_by("council__name", "name")
    )


class SearchForm(GovUKForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=TaxonomyTerm.objects.all(),
        required=False,
        empty_label=_("Any category"),
        widget=QuickSelect,
    )
    ward = AreaChoiceField(
        label=_("In ward"), queryset=wards(), required=False, empty_label=_("Any ward")
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Any language")), *LANGUAGES],
        required=False,
        widget=QuickSelect,
    )
    near = AreaChoiceField(
        label=_("Near the centre of ward"),
        queryset=wards(),
        required=False,
        empty_label=_("No distance"),
        help_text=_("Lists the nearest services first."),
    )
    lat = forms.FloatField(
        label=_("Or near latitude"),
        required=False,
        validators=[MinValueValidator(UK_LAT[0]), MaxValueValidator(UK_LAT[1])],
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
        help_text=_("For example 52.9225"),
    )
    lon = forms.FloatField(
        label=_("and longitude"),
        required=False,
        validators=[MinValueValidator(UK_LON[0]), MaxValueValidator(UK_LON[1])],
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
        help_text=_("For example -1.4746"),
    )
    within = forms.TypedChoiceField(
        label=_("Within"),
        coerce=int,
        choices=[(r, _("%(n)s miles") % {"n": r}) for r in RADII_MILES],
        initial=DEFAULT_RADIUS_MILES,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Both ward lists from one query (each would otherwise run its own).
        ward_field = self.fields["ward"]
        assert isinstance(ward_field, AreaChoiceField)
        listed = [(area.pk, ward_field.label_from_instance(area)) for area in wards()]
        for name in ("ward", "near"):
            field = self.fields[name]
            assert isinstance(field, AreaChoiceField)
            field.widget.choices = [("", field.empty_label), *listed]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one_only = (data.get("lat") is None) != (data.get("lon") is None)
        if one_only and "lat" not in self.errors and "lon" not in self.errors:
            self.add_error(
                "lon" if data.get("lat") is not None else "lat",
                _("Enter both latitude and longitude, or neither."),
            )
        return data


class ServiceForm(GovUKForm):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none(), required=False
    )
    name = forms.CharField(label=_("Name of the service"), max_length=255)
    alternate_name = forms.CharField(label=_("Other name"), max_length=255, required=False)
    description = forms.CharField(label=_("What the service does"), widget=forms.Textarea)
    status = forms.ChoiceField(label=_("Status"), choices=ServiceStatus.choices)
    url = forms.URLField(label=_("Web page"), required=False, assume_scheme="https")
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    contact_name = forms.CharField(label=_("Contact name"), max_length=255, required=False)
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=TaxonomyTerm.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages the service is offered in"),
        choices=LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interpretation_services = forms.CharField(
        label=_("Interpreting"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    eligibility_description = forms.CharField(
        label=_("Who can use it"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    minimum_age = forms.IntegerField(
        label=_("Minimum age"), required=False, min_value=0, max_value=120
    )
    maximum_age = forms.IntegerField(
        label=_("Maximum age"), required=False, min_value=0, max_value=120
    )
    fees_description = forms.CharField(
        label=_("Fees"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    application_process = forms.CharField(
        label=_("How to use it"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, organizations: QuerySet[Organization] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if organizations is None:
            del self.fields["organization"]
        else:
            field = self.fields["organization"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = organizations
            field.required = organizations.exists()
            field.empty_label = None if organizations.count() == 1 else ""
        for name in ("minimum_age", "maximum_age"):
            self.fields[name].widget.attrs["class"] = "govuk-input--width-3"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("minimum_age"), data.get("maximum_age")
        if low is not None and high is not None and high < low:
            self.add_error("maximum_age", _("Maximum age must not be below the minimum age."))
        return data


class LocationForm(GovUKForm):
    id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Place name"), max_length=255, required=False)
    location_type = forms.ChoiceField(
        label=_("Type of place"), choices=LocationType.choices, initial=LocationType.PHYSICAL
    )
    address_1 = forms.CharField(label=_("Address line 1"), max_length=255, required=False)
    address_2 = forms.CharField(label=_("Address line 2"), max_length=255, required=False)
    city = forms.CharField(label=_("Town or city"), max_length=120, required=False)
    postal_code = forms.CharField(
        label=_("Postcode"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        validators=[MinValueValidator(UK_LAT[0]), MaxValueValidator(UK_LAT[1])],
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        validators=[MinValueValidator(UK_LON[0]), MaxValueValidator(UK_LON[1])],
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}),
    )
    description = forms.CharField(
        label=_("About the place"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    accessibility = forms.CharField(
        label=_("Accessibility"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example step-free entrance, hearing loop, accessible toilet."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one_only = (data.get("latitude") is None) != (data.get("longitude") is None)
        if one_only and "latitude" not in self.errors and "longitude" not in self.errors:
            self.add_error("longitude", _("Enter both latitude and longitude, or neither."))
        physical = data.get("location_type") == LocationType.PHYSICAL
        if physical and self.has_changed() and not (data.get("address_1") and data.get("city")):
            self.add_error("address_1", _("Enter the address (line 1 and town) of the place."))
        return data


class ScheduleForm(GovUKForm):
    byday = forms.MultipleChoiceField(
        label=_("Days"), choices=DAYS, required=False, widget=forms.CheckboxSelectMultiple
    )
    opens_at = forms.TimeField(
        label=_("Opens at"),
        required=False,
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
        help_text=_("24-hour clock, for example 09:30"),
    )
    closes_at = forms.TimeField(
        label=_("Closes at"),
        required=False,
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
    )
    description = forms.CharField(
        label=_("Notes"),
        max_length=300,
        required=False,
        help_text=_("For example: term time only; first Saturday of the month."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("Closing time must be after the opening time."))
        empty = not data.get("byday") and not data.get("description")
        if self.has_changed() and empty and not self.errors:
            self.add_error("byday", _("Choose the days, or describe when it is open."))
        return data

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "freq": ScheduleFreq.WEEKLY if data["byday"] else "",
            "byday": ",".join(data["byday"]),
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
            "valid_from": "",
            "valid_to": "",
            "description": data["description"],
        }


LocationFormSet = forms.formset_factory(LocationForm, extra=1, can_delete=True, max_num=20)
ScheduleFormSet = forms.formset_factory(ScheduleForm, extra=2, can_delete=True, max_num=20)


class RejectForm(GovUKForm):
    reason = forms.CharField(
        label=_("Reason for rejecting the change"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The person who made the change will see this."),
    )


class ManageFilterForm(GovUKForm):
    q = forms.CharField(label=_("Name"), required=False, max_length=200)
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All entries")),
            ("needs_review", _("Needs review")),
            ("not_checked", _("Not checked for 12 months")),
            ("unpublished", _("Not published")),
        ],
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=TaxonomyTerm.objects.all(),
        required=False,
        empty_label=_("Any category"),
    )
