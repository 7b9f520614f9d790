"""URL patterns for the 360Giving staff page; included from cohesion/grants/urls.py."""

from django.urls import URLPattern, path

from cohesion.grants.threesixty import views

urlpatterns: list[URLPattern] = [
    path("grants/manage/360giving/", views.report, name="grants-360giving"),
    path(
        "grants/manage/360giving/download.<str:fmt>",
        views.download,
        name="grants-360giving-download",
    ),
]
