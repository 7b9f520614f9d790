from django.urls import path

from cohesion.mediation import views

urlpatterns = [
    path("mediation/", views.case_list, name="mediation-list"),
    path("mediation/new/", views.case_new, name="mediation-new"),
    path("mediation/<str:case_uuid>/", views.case_detail, name="mediation-detail"),
    path("mediation/<str:case_uuid>/edit/", views.case_edit, name="mediation-edit"),
    path("mediation/<str:case_uuid>/parties/", views.party_new, name="mediation-party-new"),
    path("mediation/<str:case_uuid>/sessions/", views.session_new, name="mediation-session-new"),
    path("mediation/<str:case_uuid>/close/", views.case_close, name="mediation-close"),
]
