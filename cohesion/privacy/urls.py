from django.urls import URLPattern, path

from cohesion.privacy import views

urlpatterns: list[URLPattern] = [
    path("data-protection/", views.data_protection, name="data-protection"),
    path(
        "data-protection/incidents/<str:incident_uuid>/",
        views.incident_detail,
        name="data-protection-incident",
    ),
    path(
        "data-protection/incidents/<str:incident_uuid>/correct/",
        views.incident_correct,
        name="data-protection-incident-correct",
    ),
    path(
        "data-protection/incidents/<str:incident_uuid>/erase/",
        views.incident_erase,
        name="data-protection-incident-erase",
    ),
    path(
        "data-protection/mediation/<str:case_uuid>/",
        views.case_detail,
        name="data-protection-case",
    ),
    path(
        "data-protection/mediation/<str:case_uuid>/erase/",
        views.case_erase,
        name="data-protection-case-erase",
    ),
    path("data-protection/retention/", views.retention_rules, name="data-protection-retention"),
    path(
        "data-protection/retention/<int:rule_id>/",
        views.retention_rule_edit,
        name="data-protection-retention-edit",
    ),
]
