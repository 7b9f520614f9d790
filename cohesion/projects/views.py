"""Projects register pages: the list, a project, adding and changing projects, the
aggregate report, the export and the vocabularies. Records are loaded through
`access`, so a project outside someone's reach is the same 404 as a missing one.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from cohesion.accounts.models import User
from cohesion.accounts.permissions import Permission, has_permission
from cohesion.projects import access, actions, report, tabular
from cohesion.projects.forms import CategoryForm, ProjectFilterForm, ProjectForm
from cohesion.projects.models import CategoryKind, Project, ProjectCategory
from cohesion.training.access import councils_of

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _require_view(user: User) -> None:
    if not has_permission(user, Permission.PROJECTS_VIEW):
        raise Http404


def _filtered(request: HttpRequest, user: User) -> tuple[ProjectFilterForm, QuerySet[Project], str]:
    """The filter form, the projects it keeps and its query string (for links that keep it)."""
    visible = access.projects_visible_to(user)
    params = {k: v for k, v in request.GET.items() if k in ProjectFilterForm.base_fields}
    form = ProjectFilterForm(params or None, projects=visible)
    valid = form.valid_data()
    if form.is_bound and form.errors:
        # A stale or hand-made value (a category since removed) is dropped, not shown as an error.
        form = ProjectFilterForm(valid or None, projects=visible)
    query = urlencode(valid)
    return form, form.filter(visible), query


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_view(user)
    form, filtered, query = _filtered(request, user)
    projects = filtered.select_related("activity_type", "lead_organisation", "area").order_by(
        "title"
    )
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    dimensions = report.aggregate(filtered)
    return render(
        request,
        "projects/list.html",
        {
            "page": page,
            # The activity-type sentence, in the seed's form: "25 projects: 10 debates …".
            "total": dimensions[0].total,
            "summary": dimensions[0].sentence,
            "filter_form": form,
            "chosen": form.chosen(),
            "query": query,
            "can_add": access.lead_organisations_for(user).exists(),
            "can_edit_vocabulary": access.can_edit_vocabulary(user),
        },
    )


@login_required
def project_report(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_view(user)
    form, filtered, query = _filtered(request, user)
    dimensions = report.aggregate(filtered)
    return render(
        request,
        "projects/report.html",
        {
            "dimensions": [(d, report.chart(d)) for d in dimensions],
            "chosen": form.chosen(),
            "query": query,
        },
    )


@login_required
def project_detail(request: HttpRequest, key: str) -> HttpResponse:
    user = _user(request)
    _require_view(user)
    project = access.get_project_for_user(user, key)
    return render(
        request,
        "projects/detail.html",
        {"project": project, "can_edit": access.can_manage_project(user, project)},
    )


@login_required
def project_edit(request: HttpRequest, key: str | None = None) -> HttpResponse:
    user = _user(request)
    _require_view(user)
    project = access.get_project_for_manager(user, key) if key else None
    organisations = access.lead_organisations_for(user)
    if project is None and not organisations.exists():
        raise Http404
    form = ProjectForm(
        request.POST or None,
        instance=project,
        organisations=organisations,
        councils=councils_of(user),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        saved = actions.save_project(by=user, project=project, **data)
        messages.success(request, _("Project saved."))
        return redirect("projects-detail", saved.uuid)
    return render(request, "projects/form.html", {"form": form, "project": project})


@login_required
def project_export(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_view(user)
    fmt = request.GET.get("format", "csv")
    if fmt not in tabular.FORMATS:
        raise Http404
    _form, filtered, _query = _filtered(request, user)
    content = tabular.export_projects(filtered, fmt)
    response = HttpResponse(content, content_type=tabular.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="projects.{fmt}"'
    return response


@login_required
def categories(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    _require_view(user)
    editable = access.can_edit_vocabulary(user)
    category = None
    if pk is not None:
        category = ProjectCategory.objects.filter(pk=pk).first()
        if category is None or not editable:
            raise Http404
    form = CategoryForm(request.POST or None, instance=category) if editable else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            actions.save_category(by=user, category=category, **form.cleaned_data)
            messages.success(request, _("Category saved."))
            return redirect("projects-categories")
    grouped = [
        (label, ProjectCategory.objects.filter(kind=kind)) for kind, label in CategoryKind.choices
    ]
    return render(
        request,
        "projects/categories.html",
        {"grouped": grouped, "form": form, "category": category},
    )
