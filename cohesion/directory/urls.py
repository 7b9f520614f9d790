"""Directory pages: public search and service pages, and staff pages under /directory/manage/."""

from django.urls import URLPattern, path

from cohesion.directory import views, views_public

urlpatterns: list[URLPattern] = [
    path("directory/", views_public.directory_search_page, name="directory-search"),
    path(
        "directory/services/<str:service_id>/",
        views_public.service_detail,
        name="directory-service",
    ),
    path("directory/manage/", views.manage_list, name="directory-manage"),
    path("directory/manage/new/", views.service_new, name="directory-manage-new"),
    path(
        "directory/manage/<str:service_id>/",
        views.service_manage,
        name="directory-manage-service",
    ),
    path(
        "directory/manage/<str:service_id>/edit/",
        views.service_edit,
        name="directory-manage-edit",
    ),
    path(
        "directory/manage/<str:service_id>/approve/",
        views.service_approve,
        name="directory-manage-approve",
    ),
    path(
        "directory/manage/<str:service_id>/reject/",
        views.service_reject,
        name="directory-manage-reject",
    ),
    path(
        "directory/manage/<str:service_id>/checked/",
        views.service_mark_reviewed,
        name="directory-manage-checked",
    ),
]
