"""Forms for the library: items, images, workflow notes, events, and the public filters.

The forms check what a form can (required fields, formats) and the actions
check the rest (`actions.item_problems`), so a person sees every problem next
to its field and keeps everything they typed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cohesion.accounts.models import Organisation, User
from cohesion.areas.models import Area, AreaLevel
from cohesion.core.forms import GovUKForm
from cohesion.library.images import MAX_BYTES
from cohesion.library.models import ItemKind, LibraryItem, ThemeTag
from cohesion.strategies.access import strategies_visible_to
from cohesion.strategies.models import Objective


class AreaChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Area) -> str:
        if obj.level == AreaLevel.WARD and obj.council is not None:
            return f"{obj.name} ({obj.council.name})"
        return obj.name


class ObjectiveChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Objective) -> str:
        return f"{obj.strategy.title}: {obj.code}. {obj.title}"


def area_choices() -> QuerySet[Area]:
    """Councils, and the wards of the councils Cohesion serves (current boundaries)."""
    return (
        Area.objects.filter(Q(level=AreaLevel.LAD) | Q(level=AreaLevel.WARD))
        .select_related("council")
        .order_by("level", "name")
    )


def objective_choices(user: User) -> QuerySet[Objective]:
    strategies = strategies_visible_to(user).values("id")
    return (
        Objective.objects.filter(Q(strategy__in=strategies) | Q(strategy__is_published=True))
        .select_related("strategy")
        .order_by("strategy__title", "order", "code")
        .distinct()
    )


def _required(message: Any) -> dict[str, Any]:
    return {"required": message}


class ItemForm(GovUKForm):
    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=ItemKind.choices,
        widget=forms.RadioSelect,
        error_messages=_required(
            _("Choose whether this is a case study, a story of cohesion or news")
        ),
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, error_messages=_required(_("Enter the title"))
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=1000,
        help_text=_("One or two sentences, shown in lists and news feeds."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required(_("Enter the summary")),
    )
    body = forms.CharField(
        label=_("Text"),
        help_text=_(
            "Leave a blank line between paragraphs. Start lines with '- ' for a bulleted "
            "list or '1. ' for a numbered list. Put a web address in angle brackets, "
            "<https://example.org>, to make a link. HTML is shown as typed."
        ),
        widget=forms.Textarea(attrs={"rows": 14}),
        error_messages=_required(_("Enter the text of the item")),
    )
    outcomes = forms.CharField(
        label=_("Outcomes (optional)"),
        required=False,
        help_text=_("What changed as a result. The same markup as the text."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    area = AreaChoiceField(
        label=_("Area (optional)"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("Not one area"),
        error_messages={"invalid_choice": _("Choose an area from the list")},
    )
    place_name = forms.CharField(
        label=_("Place (optional)"),
        max_length=200,
        required=False,
        help_text=_("Where it happened in words, for example 'Cotton Lane, Derby'."),
    )
    objectives = ObjectiveChoiceField(
        label=_("Strategy objectives it serves (optional)"),
        queryset=Objective.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = forms.CharField(
        label=_("Themes (optional)"),
        max_length=500,
        required=False,
        help_text=_("Separate themes with commas, for example: young people, faith, media."),
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations involved (optional)"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    source = forms.CharField(label=_("Source (optional)"), max_length=300, required=False)
    credit = forms.CharField(label=_("Credit (optional)"), max_length=300, required=False)
    source_url = forms.URLField(
        label=_("Web address of the source (optional)"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address starting https:// or http://")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = area_choices()  # type: ignore[attr-defined]
        self.fields["objectives"].queryset = objective_choices(user)  # type: ignore[attr-defined]
        self.fields["organisations"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, item: LibraryItem) -> dict[str, Any]:
        return {
            "kind": item.kind,
            "title": item.title,
            "summary": item.summary,
            "body": item.body,
            "outcomes": item.outcomes,
            "area": item.area_id,
            "place_name": item.place_name,
            "objectives": list(item.objectives.values_list("pk", flat=True)),
            "tags": ", ".join(item.tags.values_list("name", flat=True)),
            "organisations": list(item.organisations.values_list("pk", flat=True)),
            "source": item.source,
            "credit": item.credit,
            "source_url": item.source_url,
        }

    def data_for_action(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["tags"] = [t.strip() for t in data.get("tags", "").split(",") if t.strip()]
        return data


class ImageForm(GovUKForm):
    image = forms.FileField(
        label=_("Image"),
        help_text=_("A JPEG, PNG or WebP, smaller than 5 MB."),
        error_messages=_required(_("Choose an image to upload")),
    )
    alt_text = forms.CharField(
        label=_("Description of the image (alt text)"),
        max_length=250,
        help_text=_(
            "What the image shows, for people who cannot see it, for example "
            "'Volunteers painting a mural on a community centre wall'."
        ),
        error_messages=_required(_("Describe the image for people who cannot see it")),
    )
    caption = forms.CharField(label=_("Caption (optional)"), max_length=300, required=False)
    credit = forms.CharField(label=_("Photo credit (optional)"), max_length=200, required=False)

    def clean_image(self) -> Any:
        upload = self.cleaned_data["image"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The image must be smaller than 5 MB"))
        return upload


class NoteForm(GovUKForm):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, required: bool, label: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].required = required
        self.fields["note"].label = label
        self.fields["note"].error_messages["required"] = _(
            "Say what needs to change before it can be published"
        )


class LibrarySearchForm(GovUKForm):
    """The public filters. Every field is optional; unknown values are ignored."""

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Type"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    area = forms.ChoiceField(label=_("Area"), required=False)
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)

    def __init__(self, *args: Any, published: QuerySet[LibraryItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every = [("", _("Any"))]
        self.fields["kind"].choices = every + list(ItemKind.choices)  # type: ignore[attr-defined]
        ids = published.values("id")
        tags = ThemeTag.objects.filter(items__in=ids).distinct().order_by("name")
        objectives = (
            Objective.objects.filter(library_items__in=ids)
            .select_related("strategy")
            .distinct()
            .order_by("strategy__title", "order")
        )
        self.fields["theme"].choices = (  # type: ignore[attr-defined]
            every
            + [(f"tag:{t.slug}", t.name) for t in tags]
            + [(f"objective:{o.uuid}", f"{o.strategy.title}: {o.title}") for o in objectives]
        )
        areas = Area.objects.filter(library_items__in=ids).distinct().order_by("name")
        self.fields["area"].choices = every + [(a.code, a.name) for a in areas]  # type: ignore[attr-defined]
        organisations = (
            Organisation.objects.filter(Q(library_items__in=ids) | Q(library_items_owned__in=ids))
            .distinct()
            .order_by("name")
        )
        self.fields["organisation"].choices = every + [  # type: ignore[attr-defined]
            (str(o.uuid), o.name) for o in organisations
        ]

    def filter(self, items: QuerySet[LibraryItem]) -> QuerySet[LibraryItem]:
        if not self.is_valid():
            return items
        data = self.cleaned_data
        for word in (data.get("q") or "").split()[:10]:
            items = items.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(body__icontains=word)
                | Q(outcomes__icontains=word)
                | Q(place_name__icontains=word)
                | Q(tags__name__icontains=word)
            )
        if data.get("kind"):
            items = items.filter(kind=data["kind"])
        theme = data.get("theme") or ""
        if theme.startswith("tag:"):
            items = items.filter(tags__slug=theme[4:])
        elif theme.startswith("objective:"):
            items = items.filter(objectives__uuid=theme[10:])
        if data.get("area"):
            items = items.filter(Q(area__code=data["area"]) | Q(area__council__code=data["area"]))
        if data.get("organisation"):
            items = items.filter(
                Q(organisations__uuid=data["organisation"]) | Q(owner__uuid=data["organisation"])
            )
        return items.distinct()


class EventForm(GovUKForm):
    title = forms.CharField(
        label=_("Title"), max_length=200, error_messages=_required(_("Enter the event's title"))
    )
    description = forms.CharField(
        label=_("Description (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        help_text=_("Date and time, for example 2026-12-05 18:30"),
        error_messages={
            "required": _("Enter when it starts"),
            "invalid": _("Enter the date and time like 2026-12-05 18:30"),
        },
    )
    ends_at = forms.DateTimeField(
        label=_("Ends (optional)"),
        required=False,
        help_text=_("Date and time, for example 2026-12-05 21:00"),
        error_messages={"invalid": _("Enter the date and time like 2026-12-05 21:00")},
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=300,
        help_text=_("Venue and address, or 'Online'."),
        error_messages=_required(_("Enter where it takes place, or 'Online'")),
    )
    ward = AreaChoiceField(
        label=_("Ward (optional)"),
        queryset=Area.objects.filter(level=AreaLevel.WARD)
        .select_related("council")
        .order_by("council__name", "name"),
        required=False,
        empty_label=_("Not in one ward"),
    )
    audience = forms.CharField(label=_("Who it is for (optional)"), max_length=300, required=False)
    booking_url = forms.URLField(
        label=_("Booking web address (optional)"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address starting https:// or http://")},
    )


class AwardForm(GovUKForm):
    title = forms.CharField(
        label=_("Title of the award"),
        max_length=200,
        help_text=_("For example 'Community Cohesion Award: young people'."),
        error_messages=_required(_("Enter the award's title")),
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=1900,
        max_value=2100,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "govuk-input--width-4", "spellcheck": "false"}
        ),
        error_messages={
            "required": _("Enter the year as four digits, like 2026"),
            "invalid": _("Enter the year as four digits, like 2026"),
            "min_value": _("Enter the year as four digits, like 2026"),
            "max_value": _("Enter the year as four digits, like 2026"),
        },
    )
    recipient_organisation = forms.ModelChoiceField(
        label=_("Organisation that received it (optional)"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Not an organisation in Cohesion"),
        help_text=_("Choose an organisation, or enter who received it below."),
        error_messages={"invalid_choice": _("Choose an organisation from the list")},
    )
    recipient_name = forms.CharField(
        label=_("Who received it (optional if you chose an organisation)"),
        max_length=200,
        required=False,
        help_text=_("A person, group or project, for example 'Normanton Street Meals volunteers'."),
    )
    description = forms.CharField(
        label=_("What it was for (optional)"),
        required=False,
        help_text=_("Leave a blank line between paragraphs."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient_organisation"].queryset = Organisation.objects.order_by("name")  # type: ignore[attr-defined]
