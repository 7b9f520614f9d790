from django.urls import path

from cohesion.tensions import views

urlpatterns = [
    path("tensions/", views.dashboard, name="tension-dashboard"),
    path("tensions/wards/<str:code>/", views.ward_history, name="tension-ward-history"),
    path("tensions/intelligence/", views.intelligence_list, name="intelligence-list"),
    path("tensions/intelligence/new/", views.intelligence_new, name="intelligence-new"),
    path(
        "tensions/intelligence/<str:item_uuid>/",
        views.intelligence_detail,
        name="intelligence-detail",
    ),
    path(
        "tensions/intelligence/<str:item_uuid>/edit/",
        views.intelligence_edit,
        name="intelligence-edit",
    ),
    path(
        "tensions/intelligence/<str:item_uuid>/verification/",
        views.intelligence_verify,
        name="intelligence-verify",
    ),
    path(
        "tensions/intelligence/<str:item_uuid>/counter-narratives/",
        views.counter_narrative_new,
        name="counter-narrative-new",
    ),
    path("tensions/assessments/", views.assessment_list, name="assessment-list"),
    path("tensions/assessments/new/", views.assessment_new, name="assessment-new"),
    path(
        "tensions/assessments/<str:assessment_uuid>/",
        views.assessment_detail,
        name="assessment-detail",
    ),
    path(
        "tensions/assessments/<str:assessment_uuid>/edit/",
        views.assessment_edit,
        name="assessment-edit",
    ),
    path(
        "tensions/assessments/<str:assessment_uuid>/actions/",
        views.assessment_action_new,
        name="assessment-action-new",
    ),
    path(
        "tensions/assessments/<str:assessment_uuid>/approve/",
        views.assessment_approve,
        name="assessment-approve",
    ),
]
