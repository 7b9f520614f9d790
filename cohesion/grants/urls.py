from django.urls import URLPattern, URLResolver, include, path

from cohesion.grants import views_apply, views_public, views_staff

urlpatterns: list[URLPattern | URLResolver] = [
    # 360Giving publication (owned by the threesixty package)
    path("", include("cohesion.grants.threesixty.urls")),
    # Public
    path("grants/", views_public.calls_list, name="grants-calls"),
    path("grants/calls/<str:key>/", views_public.call_detail, name="grants-call"),
    path("grants/calls/<str:key>/register/", views_public.register, name="grants-register"),
    # Applicants
    path("grants/home/", views_apply.home, name="grants-home"),
    path("grants/calls/<str:key>/start/", views_apply.start, name="grants-start"),
    path(
        "grants/applications/<str:key>/", views_apply.application_status, name="grants-application"
    ),
    path("grants/applications/<str:key>/tasks/", views_apply.tasks, name="grants-tasks"),
    path(
        "grants/applications/<str:key>/section/<str:name>/",
        views_apply.section,
        name="grants-section",
    ),
    path(
        "grants/applications/<str:key>/attachments/",
        views_apply.attachments,
        name="grants-attachments",
    ),
    path("grants/applications/<str:key>/check/", views_apply.check, name="grants-check"),
    path(
        "grants/applications/<str:key>/submitted/", views_apply.submitted, name="grants-submitted"
    ),
    path("grants/applications/<str:key>/respond/", views_apply.respond, name="grants-respond"),
    path("grants/applications/<str:key>/withdraw/", views_apply.withdraw, name="grants-withdraw"),
    path("grants/applications/<str:key>/report/", views_apply.report, name="grants-report"),
    path("grants/files/<str:key>/", views_apply.download, name="grants-file"),
    path(
        "grants/files/<str:key>/remove/", views_apply.remove_attachment, name="grants-file-remove"
    ),
    # Staff
    path("grants/funds/", views_staff.funds, name="grants-funds"),
    path("grants/funds/new/", views_staff.fund_edit, name="grants-fund-new"),
    path("grants/funds/<str:key>/", views_staff.fund_detail, name="grants-fund"),
    path("grants/funds/<str:key>/edit/", views_staff.fund_edit, name="grants-fund-edit"),
    path("grants/funds/<str:key>/calls/new/", views_staff.call_edit, name="grants-call-new"),
    path(
        "grants/funds/<str:key>/calls/<str:call_key>/edit/",
        views_staff.call_edit,
        name="grants-call-edit",
    ),
    path("grants/manage/calls/<str:key>/", views_staff.call_manage, name="grants-call-manage"),
    path(
        "grants/manage/calls/<str:key>/questions/new/",
        views_staff.question_edit,
        name="grants-question-new",
    ),
    path(
        "grants/manage/calls/<str:key>/questions/<int:pk>/",
        views_staff.question_edit,
        name="grants-question-edit",
    ),
    path(
        "grants/manage/calls/<str:key>/criteria/new/",
        views_staff.criterion_edit,
        name="grants-criterion-new",
    ),
    path(
        "grants/manage/calls/<str:key>/criteria/<int:pk>/",
        views_staff.criterion_edit,
        name="grants-criterion-edit",
    ),
    path("grants/queue/", views_staff.queue, name="grants-queue"),
    path("grants/review/<str:key>/", views_staff.review, name="grants-review"),
    path(
        "grants/review/<str:key>/<str:action>/",
        views_staff.review_action,
        name="grants-review-action",
    ),
]
