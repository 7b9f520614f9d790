from django.urls import URLPattern, path

from cohesion.consultations import views, views_public

urlpatterns: list[URLPattern] = [
    path("consultations/", views_public.consultation_list, name="consultations-list"),
    path("consultations/manage/", views.manage_list, name="consultations-manage"),
    path("consultations/manage/new/", views.manage_edit, name="consultations-new"),
    path(
        "consultations/manage/<str:key>/", views.manage_detail, name="consultations-manage-detail"
    ),
    path("consultations/manage/<str:key>/edit/", views.manage_edit, name="consultations-edit"),
    path(
        "consultations/manage/<str:key>/status/<str:to>/",
        views.change_status,
        name="consultations-status",
    ),
    path(
        "consultations/manage/<str:key>/questions/new/",
        views.question_edit,
        name="consultations-question-new",
    ),
    path(
        "consultations/manage/<str:key>/questions/<int:pk>/",
        views.question_edit,
        name="consultations-question-edit",
    ),
    path(
        "consultations/manage/<str:key>/questions/<int:pk>/delete/",
        views.question_delete,
        name="consultations-question-delete",
    ),
    path(
        "consultations/manage/<str:key>/responses/",
        views.response_list,
        name="consultations-responses",
    ),
    path(
        "consultations/manage/<str:key>/responses/new/",
        views.response_new,
        name="consultations-response-new",
    ),
    path(
        "consultations/manage/<str:key>/responses/<str:response_key>/",
        views.response_detail,
        name="consultations-response-detail",
    ),
    path("consultations/manage/<str:key>/themes/", views.theme_list, name="consultations-themes"),
    path(
        "consultations/manage/<str:key>/themes/<str:theme_key>/",
        views.theme_detail,
        name="consultations-theme",
    ),
    path("consultations/manage/<str:key>/publish/", views.publish, name="consultations-publish"),
    path("consultations/<str:key>/", views_public.consultation_detail, name="consultations-detail"),
    path("consultations/<str:key>/respond/", views_public.respond, name="consultations-respond"),
    path("consultations/<str:key>/thank-you/", views_public.thanks, name="consultations-thanks"),
    path("consultations/<str:key>/results/", views_public.results, name="consultations-results"),
]
