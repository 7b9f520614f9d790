"""Staff pages under /library/manage/: drafting, images and the publication workflow.

Each view loads the item through `access.py` (404 for anyone who may not act
on it, the same as a missing item), checks the form, then calls one function in
`actions.py`, which checks the right again and writes the audit row. When the
action refuses, its messages go next to the fields and what was typed is kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.lib.ids import uuid_or_404
from cohesion.library import access, actions
from cohesion.library.forms import AwardForm, EventForm, ImageForm, ItemForm, NoteForm
from cohesion.library.models import Award, Event, ItemImage, ItemStatus, LibraryItem
from cohesion.library.views_public import image_response


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require_library_staff(user: User) -> None:
    if not (
        has_permission(user, Permission.LIBRARY_EDIT)
        or has_permission(user, Permission.LIBRARY_PUBLISH)
    ):
        raise Http404


def show_problems(form: Form, problems: dict[str, str]) -> None:
    for name, message in problems.items():
        form.add_error(name if name in form.fields else None, message)


@require_GET
@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_library_staff(user)
    visible = access.items_visible_to(user).select_related("owner")
    own = visible.filter(owner_id=user.organisation_id) if user.organisation_id else visible.none()
    to_review = visible.filter(status=ItemStatus.SUBMITTED)
    if not has_permission(user, Permission.LIBRARY_PUBLISH):
        to_review = to_review.none()
    return render(
        request,
        "library/manage_list.html",
        {
            "own": own.order_by("-updated_at"),
            "to_review": to_review.exclude(Q(owner_id=user.organisation_id)).order_by(
                "submitted_at"
            ),
            "can_create": access.can_create_items(user),
            "events": _events_for_staff(user),
            "awards": _awards_for_staff(user),
        },
    )


def _events_for_staff(user: User) -> list[tuple[Event, bool, bool]]:
    """(event, may edit, may publish) for the events this person keeps or publishes."""
    rows = []
    events = Event.objects.select_related("organiser").order_by("-starts_at")[:200]
    for event in events:
        edit, publish = access.can_edit_event(user, event), access.can_publish_event(user, event)
        if edit or publish:
            rows.append((event, edit, publish))
    return rows


def _awards_for_staff(user: User) -> list[tuple[Award, bool, bool]]:
    """(award, may edit, may publish) for the awards this person keeps or publishes."""
    rows = []
    awards = access.awards_visible_to(user).select_related("owner", "recipient_organisation")
    for award in awards.order_by("-year", "title")[:200]:
        edit, publish = access.can_edit_award(user, award), access.can_publish_award(user, award)
        if edit or publish:
            rows.append((award, edit, publish))
    return rows


@require_http_methods(["GET", "POST"])
@login_required
def item_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not access.can_create_items(user):
        raise Http404
    form = ItemForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            item = actions.create_item(by=user, data=form.data_for_action())
        except actions.LibraryInvalid as invalid:
            show_problems(form, invalid.problems)
        else:
            messages.success(request, _("Draft saved. Submit it when it is ready to publish."))
            return redirect("library-manage-detail", item_uuid=item.uuid)
    status = 400 if form.errors else 200
    return render(
        request,
        "library/item_form.html",
        {"form": form, "title": _("New library item"), "item": None},
        status=status,
    )


@require_GET
@login_required
def manage_detail(request: HttpRequest, item_uuid: str) -> HttpResponse:
    user = _user(request)
    item = access.get_item_for_editor(user, item_uuid)
    item = (
        LibraryItem.objects.filter(pk=item.pk)
        .select_related("owner", "area")
        .prefetch_related(
            "tags",
            "organisations",
            "objectives__strategy",
            Prefetch("images", queryset=ItemImage.objects.defer("data")),
        )
        .get()
    )
    return render(
        request,
        "library/manage_detail.html",
        {
            "item": item,
            "can_edit": access.can_edit_item(user, item),
            "can_submit": access.can_submit_item(user, item),
            "can_publish": item.status == ItemStatus.SUBMITTED
            and access.can_publish_item(user, item),
            "can_withdraw": access.can_withdraw_item(user, item),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def item_edit(request: HttpRequest, item_uuid: str) -> HttpResponse:
    user = _user(request)
    item = access.get_item_for_editor(user, item_uuid)
    if not access.can_edit_item(user, item):
        raise Http404
    form = ItemForm(request.POST or None, user=user, initial=ItemForm.initial_for(item))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_item(by=user, item=item, data=form.data_for_action())
        except actions.LibraryInvalid as invalid:
            show_problems(form, invalid.problems)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("library-manage-detail", item_uuid=item.uuid)
    status = 400 if form.errors else 200
    return render(
        request,
        "library/item_form.html",
        {"form": form, "title": _("Edit library item"), "item": item},
        status=status,
    )


def _workflow(request: HttpRequest, item_uuid: str, step: str) -> HttpResponse:
    user = _user(request)
    item = access.get_item_for_editor(user, item_uuid)
    try:
        if step == "submit":
            actions.submit_item(by=user, item=item)
            messages.success(request, _("Submitted. A publisher will review it."))
        else:
            actions.publish_item(by=user, item=item)
            messages.success(request, _("Published. It is now on the public library pages."))
    except actions.LibraryInvalid as invalid:
        messages.error(request, "; ".join(invalid.problems.values()))
    except PermissionDenied:
        raise Http404 from None
    return redirect("library-manage-detail", item_uuid=item.uuid)


@require_POST
@login_required
def item_submit(request: HttpRequest, item_uuid: str) -> HttpResponse:
    return _workflow(request, item_uuid, "submit")


@require_POST
@login_required
def item_publish(request: HttpRequest, item_uuid: str) -> HttpResponse:
    return _workflow(request, item_uuid, "publish")


def _note_step(request: HttpRequest, item_uuid: str, *, step: str) -> HttpResponse:
    """Withdraw (note optional) or return to draft (note required): a small form."""
    user = _user(request)
    item = access.get_item_for_editor(user, item_uuid)
    if step == "withdraw":
        allowed = access.can_withdraw_item(user, item)
        label, title = _("Why is it being withdrawn? (optional)"), _("Withdraw this item")
    else:
        allowed = item.status == ItemStatus.SUBMITTED and access.can_publish_item(user, item)
        label, title = _("What needs to change?"), _("Return to the drafters")
    if not allowed:
        raise Http404
    form = NoteForm(request.POST or None, required=step == "return", label=label)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"]
        try:
            if step == "withdraw":
                actions.withdraw_item(by=user, item=item, note=note)
            else:
                actions.return_item_to_draft(by=user, item=item, note=note)
        except actions.LibraryInvalid as invalid:
            show_problems(form, invalid.problems)
        else:
            messages.success(request, title)
            return redirect("library-manage-detail", item_uuid=item.uuid)
    return render(
        request,
        "library/note_form.html",
        {"form": form, "item": item, "title": title},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def item_withdraw(request: HttpRequest, item_uuid: str) -> HttpResponse:
    return _note_step(request, item_uuid, step="withdraw")


@require_http_methods(["GET", "POST"])
@login_required
def item_return(request: HttpRequest, item_uuid: str) -> HttpResponse:
    return _note_step(request, item_uuid, step="return")


@require_http_methods(["GET", "POST"])
@login_required
def image_new(request: HttpRequest, item_uuid: str) -> HttpResponse:
    user = _user(request)
    item = access.get_item_for_editor(user, item_uuid)
    if not access.can_edit_item(user, item):
        raise Http404
    form = ImageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.add_image(
                by=user,
                item=item,
                raw=data["image"].read(),
                alt_text=data["alt_text"],
                caption=data["caption"],
                credit=data["credit"],
            )
        except actions.LibraryInvalid as invalid:
            show_problems(form, invalid.problems)
        else:
            messages.success(request, _("Image added."))
            return redirect("library-manage-detail", item_uuid=item.uuid)
    return render(
        request,
        "library/image_form.html",
        {"form": form, "item": item},
        status=400 if form.errors else 200,
    )


@require_GET
@login_required
def image_preview(request: HttpRequest, image_uuid: str) -> HttpResponse:
    """Any image of an item this person may manage (drafts included)."""
    user = _user(request)
    found = ItemImage.objects.filter(uuid=uuid_or_404(image_uuid)).select_related("item").first()
    if found is None:
        raise Http404
    access.get_item_for_editor(user, found.item.uuid)
    response = image_response(found)
    response["Cache-Control"] = "private, no-store"
    return response


# --- Events ------------------------------------------------------------------------------


def _event_form_data(form: EventForm) -> dict[str, object]:
    return {k: v for k, v in form.cleaned_data.items() if k in actions.EVENT_FIELDS}


@require_http_methods(["GET", "POST"])
@login_required
def event_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not access.can_create_items(user):
        raise Http404
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.create_event(by=user, data=_event_form_data(form))
        except actions.LibraryInvalid as invalid:
            show_problems(form, invalid.problems)
        else:
            messages.success(request, _("Event saved. A publisher will put it on the events page."))
            return redirect("library-manage")
    return render(
        request,
        "library/event_form.html",
        {"form": form, "title": _("New event"), "event": None},
        status=400 if form.errors else 200,
    )


def _event_for_staff(user: User, event_uuid: str) -> Event:
    event = access.get_event_for_user(user, event_uuid)
    if not (access.can_edit_event(user, event) or access.can_publish_event(user, event)):
        raise Http404
    return event


@require_http_methods(["GET", "POST"])
@login_required
def event_edit(request: HttpRequest, event_uuid: str) -> HttpResponse:
    user = _user(request)
    event = _event_for_staff(user, event_uuid)
    if not access.can_edit_event(user, event):
        raise Http404
    initial = {f: getattr(event, f) for f in actions.EVENT_FIELDS}
    form = EventForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_event(by=user, event=event, data=_event_form_data(form))
        except actions.LibraryInvalid as invalid:
            show_problems(form, invalid.problems)
        else:
            messages.success(request, _("Event saved."))
            return redirect("library-manage")
    return render(
        request,
        "library/event_form.html",
        {
            "form": form,
            "title": _("Edit event"),
            "event": event,
            "can_publish": access.can_publish_event(user, event),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def event_publish(request: HttpRequest, event_uuid: str) -> HttpResponse:
    """Publish or unpublish (the button sends `published=1` or `published=0`)."""
    user = _user(request)
    event = _event_for_staff(user, event_uuid)
    if not access.can_publish_event(user, event):
        raise Http404
    published = request.POST.get("published") == "1"
    actions.set_event_published(by=user, event=event, published=published)
    messages.success(
        request, _("Event published.") if published else _("Event taken off the events page.")
    )
    return redirect("library-manage")


# --- Awards ------------------------------------------------------------------------------


def _award_form_data(form: AwardForm) -> dict[str, object]:
    return {k: v for k, v in form.cleaned_data.items() if k in actions.AWARD_FIELDS}


@require_http_methods(["GET", "POST"])
@login_required
def award_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not access.can_create_items(user):
        raise Http404
    form = AwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.create_award(by=user, data=_award_form_data(form))
        except actions.LibraryInvalid as invalid:
            show_problems(form, invalid.problems)
        else:
            messages.success(request, _("Award saved. A publisher will put it on the awards page."))
            return redirect("library-manage")
    return render(
        request,
        "library/award_form.html",
        {"form": form, "title": _("New award"), "award": None},
        status=400 if form.errors else 200,
    )


def _award_for_staff(user: User, award_uuid: str) -> Award:
    award = access.get_award_for_user(user, award_uuid)
    if not (access.can_edit_award(user, award) or access.can_publish_award(user, award)):
        raise Http404
    return award


@require_http_methods(["GET", "POST"])
@login_required
def award_edit(request: HttpRequest, award_uuid: str) -> HttpResponse:
    user = _user(request)
    award = _award_for_staff(user, award_uuid)
    if not access.can_edit_award(user, award):
        raise Http404
    initial = {f: getattr(award, f) for f in actions.AWARD_FIELDS}
    form = AwardForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_award(by=user, award=award, data=_award_form_data(form))
        except actions.LibraryInvalid as invalid:
            show_problems(form, invalid.problems)
        else:
            messages.success(request, _("Award saved."))
            return redirect("library-manage")
    return render(
        request,
        "library/award_form.html",
        {"form": form, "title": _("Edit award"), "award": award},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def award_publish(request: HttpRequest, award_uuid: str) -> HttpResponse:
    """Publish or unpublish (the button sends `published=1` or `published=0`)."""
    user = _user(request)
    award = _award_for_staff(user, award_uuid)
    if not access.can_publish_award(user, award):
        raise Http404
    published = request.POST.get("published") == "1"
    actions.set_award_published(by=user, award=award, published=published)
    messages.success(
        request, _("Award published.") if published else _("Award taken off the awards page.")
    )
    return redirect("library-manage")
