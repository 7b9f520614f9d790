from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cohesion.areas.models import Area
from cohesion.core.forms import GovUKForm


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "core/home.html", {"councils": Area.objects.councils().order_by("name")})


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    return render(request, "core/open_data.html")


class GalleryForm(GovUKForm):
    """Every field type the GOV.UK renderer supports, for the component gallery."""

    name = forms.CharField(label="Full name", help_text="As you would like it shown to partners")
    email = forms.EmailField(label="Email address")
    organisation_type = forms.ChoiceField(
        label="Organisation type",
        choices=[("", "Choose a type"), ("council", "Council"), ("police", "Police")],
    )
    covers = forms.ChoiceField(
        label="Which council do you work in?",
        choices=[("derby", "Derby"), ("sheffield", "Sheffield")],
        widget=forms.RadioSelect,
    )
    strands = forms.MultipleChoiceField(
        label="Which strands does this concern?",
        help_text="Select all that apply",
        choices=[
            ("race", "Race"),
            ("religion", "Religion or belief"),
            ("disability", "Disability"),
        ],
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(label="Summary", widget=forms.Textarea(attrs={"rows": 3}))
    agree = forms.BooleanField(label="I confirm this is accurate")


@require_http_methods(["GET", "POST"])
def components(request: HttpRequest) -> HttpResponse:
    """A gallery of Cohesion's GOV.UK components, for developers. Submitting shows errors."""
    form = GalleryForm(request.POST or None)
    if request.method == "POST":
        form.is_valid()
    return render(request, "core/components.html", {"form": form})
