from django.urls import path

from cohesion.incidents import views

urlpatterns = [
    path("incidents/", views.incident_list, name="incident-list"),
    path("incidents/new/", views.incident_new, name="incident-new"),
    path("incidents/<str:incident_uuid>/", views.incident_detail, name="incident-detail"),
    path("incidents/<str:incident_uuid>/edit/", views.incident_edit, name="incident-edit"),
    path("incidents/<str:incident_uuid>/contact/", views.incident_contact, name="incident-contact"),
    path("incidents/<str:incident_uuid>/status/", views.incident_status, name="incident-status"),
    path(
        "incidents/<str:incident_uuid>/referrals/new/",
        views.referral_new,
        name="incident-referral-new",
    ),
    path(
        "incidents/<str:incident_uuid>/referrals/<int:referral_id>/outcome/",
        views.referral_outcome,
        name="incident-referral-outcome",
    ),
    path("incidents/<str:incident_uuid>/links/new/", views.link_new, name="incident-link-new"),
]
