from django.urls import path

from cohesion.core import release_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("open-data/", views.open_data, name="open-data"),
    path("components/", views.components, name="components"),
    # Four-eyes release of incidents, intelligence and assessments (kind in the URL).
    path(
        "release/<str:kind>/<uuid:obj_uuid>/request/",
        release_views.release_request,
        name="release-request",
    ),
    path(
        "release/<str:kind>/<uuid:obj_uuid>/approve/",
        release_views.release_approve,
        name="release-approve",
    ),
    path(
        "release/<str:kind>/<uuid:obj_uuid>/decline/",
        release_views.release_decline,
        name="release-decline",
    ),
    path(
        "release/<str:kind>/<uuid:obj_uuid>/narrow/",
        release_views.release_narrow,
        name="release-narrow",
    ),
]
