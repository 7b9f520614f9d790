"""The public library: published items with search and filters, events, awards, images.

No sign-in. Everything here starts from the published querysets, so a draft is
never listed and its page is a 404 (the same as a missing one) for everybody,
including partners of other organisations.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cohesion.library.forms import LibrarySearchForm
from cohesion.library.models import (
    Award,
    Event,
    ItemImage,
    ItemStatus,
    LibraryItem,
    LibraryItemQuerySet,
)

PAGE_SIZE = 20


def published_items() -> LibraryItemQuerySet:
    return (
        LibraryItem.objects.published()
        .select_related("owner", "area")
        .prefetch_related("tags")
        .order_by("-published_at", "title")
    )


@require_GET
def item_list(request: HttpRequest) -> HttpResponse:
    published = LibraryItem.objects.published()
    form = LibrarySearchForm(request.GET or None, published=published)
    items = form.filter(published_items()) if request.GET else published_items()
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "library/list.html",
        {"form": form, "page": page, "query": query.urlencode(), "filtered": bool(query)},
    )


@require_GET
def item_detail(request: HttpRequest, slug: str) -> HttpResponse:
    item = (
        LibraryItem.objects.published()
        .select_related("owner", "area")
        .prefetch_related(
            "tags",
            "organisations",
            "objectives__strategy",
            Prefetch("images", queryset=ItemImage.objects.defer("data")),
        )
        .filter(slug=slug)
        .first()
    )
    if item is None:
        raise Http404
    return render(request, "library/detail.html", {"item": item})


@require_GET
def image(request: HttpRequest, image_uuid: str) -> HttpResponse:
    """An image of a published item (staff previews use the manage view)."""
    from cohesion.lib.ids import uuid_or_404

    found = (
        ItemImage.objects.filter(uuid=uuid_or_404(image_uuid), item__status=ItemStatus.PUBLISHED)
        .only("data", "content_type")
        .first()
    )
    if found is None:
        raise Http404
    return image_response(found)


def image_response(found: ItemImage) -> HttpResponse:
    response = HttpResponse(bytes(found.data), content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    events = (
        Event.objects.filter(is_published=True)
        .select_related("organiser", "ward")
        .defer("ward__geometry")
    )
    upcoming = list(events.filter(starts_at__gte=now).order_by("starts_at"))
    past = list(events.filter(starts_at__lt=now).order_by("-starts_at")[:50])
    return render(request, "library/event_list.html", {"upcoming": upcoming, "past": past})


@require_GET
def event_detail(request: HttpRequest, event_uuid: str) -> HttpResponse:
    from cohesion.lib.ids import uuid_or_404

    event = (
        Event.objects.filter(is_published=True, uuid=uuid_or_404(event_uuid))
        .select_related("organiser", "ward", "ward__council")
        .first()
    )
    if event is None:
        raise Http404
    return render(
        request,
        "library/event_detail.html",
        {"event": event, "is_past": event.starts_at < timezone.now()},
    )


@require_GET
def award_list(request: HttpRequest) -> HttpResponse:
    awards = Award.objects.filter(is_published=True).select_related("recipient_organisation")
    return render(request, "library/award_list.html", {"awards": awards})
