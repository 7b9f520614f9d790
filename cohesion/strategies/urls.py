"""Strategy pages. Fixed paths come before `<slug>` so that no slug can hide them."""

from django.urls import URLPattern, path

from cohesion.strategies import views, views_edit, views_files, views_public

urlpatterns: list[URLPattern] = [
    path("strategies/", views.strategy_list, name="strategy-list"),
    # Public pages: no sign-in.
    path("strategies/public/", views_public.public_list, name="strategy-public-list"),
    path("strategies/public/<slug:slug>/", views_public.public_detail, name="strategy-public"),
    # Actions and plans, by their uuid.
    path(
        "strategies/actions/<str:action_uuid>/",
        views.action_detail,
        name="strategy-action-detail",
    ),
    path(
        "strategies/actions/<str:action_uuid>/update/",
        views_edit.action_update,
        name="strategy-action-update",
    ),
    path(
        "strategies/actions/<str:action_uuid>/milestones/",
        views_edit.milestone_new,
        name="strategy-milestone-new",
    ),
    path(
        "strategies/actions/<str:action_uuid>/milestones/<int:milestone_id>/complete/",
        views_edit.milestone_complete,
        name="strategy-milestone-complete",
    ),
    path(
        "strategies/plans/<str:plan_uuid>/actions/new/",
        views_edit.action_new,
        name="strategy-action-new",
    ),
    # One strategy.
    path("strategies/<slug:slug>/", views.strategy_detail, name="strategy-detail"),
    path("strategies/<slug:slug>/actions/", views.action_list, name="strategy-action-list"),
    path("strategies/<slug:slug>/plans/new/", views_edit.plan_new, name="strategy-plan-new"),
    path("strategies/<slug:slug>/export/", views_files.export, name="strategy-export"),
    path("strategies/<slug:slug>/import/", views_files.import_actions, name="strategy-import"),
    path("strategies/<slug:slug>/report/", views_files.report, name="strategy-report"),
    path(
        "strategies/<slug:slug>/settings/",
        views_edit.strategy_settings,
        name="strategy-settings",
    ),
    path("strategies/<slug:slug>/reviews/new/", views_edit.review_new, name="strategy-review-new"),
    path(
        "strategies/<slug:slug>/signatories/new/",
        views_edit.signatory_new,
        name="strategy-signatory-new",
    ),
    path("strategies/<slug:slug>/group/", views_edit.group_edit, name="strategy-group"),
    path(
        "strategies/<slug:slug>/group/members/new/",
        views_edit.member_new,
        name="strategy-member-new",
    ),
    path(
        "strategies/<slug:slug>/group/meetings/new/",
        views_edit.meeting_new,
        name="strategy-meeting-new",
    ),
]
