from django.urls import path

from cohesion.impact import views, views_manage, views_public, views_sections

A = "impact/<str:assessment_uuid>"

urlpatterns = [
    # Public: published summaries, no sign-in.
    path("impact-assessments/", views_public.public_list, name="impact-public-list"),
    path(
        "impact-assessments/<str:assessment_uuid>/",
        views_public.public_detail,
        name="impact-public",
    ),
    # The register, and managing departments and the question bank.
    path("impact/", views.assessment_list, name="impact-list"),
    path("impact/register.csv", views.register_csv, name="impact-register-csv"),
    path("impact/new/", views.assessment_new, name="impact-new"),
    path("impact/departments/", views_manage.department_list, name="impact-departments"),
    path(
        "impact/departments/<str:department_uuid>/",
        views_manage.department_detail,
        name="impact-department",
    ),
    path(
        "impact/departments/<str:department_uuid>/members/",
        views_manage.department_add_member,
        name="impact-department-add-member",
    ),
    path(
        "impact/departments/<str:department_uuid>/members/<str:person_uuid>/remove/",
        views_manage.department_remove_member,
        name="impact-department-remove-member",
    ),
    path("impact/questions/", views_manage.bank_list, name="impact-banks"),
    path("impact/questions/upload/", views_manage.bank_upload, name="impact-bank-upload"),
    path("impact/questions/<str:bank_uuid>/", views_manage.bank_detail, name="impact-bank"),
    path(
        "impact/questions/<str:bank_uuid>/download/",
        views_manage.bank_download,
        name="impact-bank-download",
    ),
    path(
        "impact/questions/<str:bank_uuid>/publish/",
        views_manage.bank_publish,
        name="impact-bank-publish",
    ),
    # One assessment.
    path(f"{A}/", views.assessment_detail, name="impact-detail"),
    path(f"{A}/details/", views.details_edit, name="impact-edit"),
    path(f"{A}/screening/", views_sections.screening, name="impact-screening"),
    path(f"{A}/principles/<int:number>/", views_sections.principle, name="impact-principle"),
    path(f"{A}/evidence/", views_sections.evidence_list, name="impact-evidence"),
    path(f"{A}/evidence/new/", views_sections.evidence_new, name="impact-evidence-new"),
    path(
        f"{A}/evidence/<str:evidence_uuid>/remove/",
        views_sections.evidence_remove,
        name="impact-evidence-remove",
    ),
    path(f"{A}/equality/", views_sections.equality, name="impact-equality"),
    path(f"{A}/equality/<str:code>/", views_sections.characteristic, name="impact-characteristic"),
    path(f"{A}/cohesion/", views_sections.cohesion, name="impact-cohesion"),
    path(f"{A}/actions/", views_sections.action_plan, name="impact-actions"),
    path(
        f"{A}/actions/<str:item_uuid>/remove/",
        views_sections.action_remove,
        name="impact-action-remove",
    ),
    path(
        f"{A}/actions/<str:item_uuid>/done/",
        views_sections.action_complete,
        name="impact-action-done",
    ),
    path(f"{A}/check/", views.check, name="impact-check"),
    path(f"{A}/submit/", views.submit, name="impact-submit"),
    path(f"{A}/sign-off/", views.sign_off, name="impact-sign-off"),
    path(f"{A}/return/", views.return_for_changes, name="impact-return"),
    path(f"{A}/publish/", views.publish, name="impact-publish"),
    path(f"{A}/revise/", views.revise, name="impact-revise"),
    path(f"{A}/share/", views.share, name="impact-share"),
    path(f"{A}/report.<str:fmt>", views.report_download, name="impact-report"),
]
