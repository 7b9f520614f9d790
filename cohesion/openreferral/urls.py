"""The Open Referral UK 3.0 API, mounted at /openreferral/ by cohesion/urls.py."""

from django.urls import URLPattern, path

from cohesion.openreferral import views

urlpatterns: list[URLPattern] = [
    path("openreferral/", views.index, name="openreferral-index"),
    path("openreferral/services", views.services, name="openreferral-services"),
    path(
        "openreferral/services/<str:service_id>",
        views.service_detail,
        name="openreferral-service",
    ),
    path(
        "openreferral/service_at_locations",
        views.service_at_locations,
        name="openreferral-service-at-locations",
    ),
    path(
        "openreferral/service_at_locations/<str:sal_id>",
        views.service_at_location_detail,
        name="openreferral-service-at-location",
    ),
    path("openreferral/taxonomies", views.taxonomies, name="openreferral-taxonomies"),
    path(
        "openreferral/taxonomies/<str:taxonomy_id>",
        views.taxonomy_detail,
        name="openreferral-taxonomy",
    ),
    path("openreferral/taxonomy_terms", views.taxonomy_terms, name="openreferral-taxonomy-terms"),
    path(
        "openreferral/taxonomy_terms/<str:term_id>",
        views.taxonomy_term_detail,
        name="openreferral-taxonomy-term",
    ),
    path("openreferral/organizations", views.organizations, name="openreferral-organizations"),
    path(
        "openreferral/organizations/<str:organization_id>",
        views.organization_detail,
        name="openreferral-organization",
    ),
]
