from django.urls import URLPattern, path

from cohesion.training import views

urlpatterns: list[URLPattern] = [
    path("training/", views.coverage_report, name="training-coverage"),
    path("training/courses/", views.course_list, name="training-courses"),
    path("training/courses/new/", views.course_new, name="training-course-new"),
    path("training/courses/<str:key>/", views.course_detail, name="training-course"),
    path(
        "training/sessions/<str:key>/attendees/",
        views.session_attendees,
        name="training-attendees",
    ),
    path(
        "training/sessions/<str:key>/attendees/new/",
        views.attendance_new,
        name="training-attendance-new",
    ),
    path(
        "training/sessions/<str:key>/attendees/<int:pk>/remove/",
        views.attendance_remove,
        name="training-attendance-remove",
    ),
    path("training/departments/", views.department_list, name="training-departments"),
    path("training/departments/new/", views.department_edit, name="training-department-new"),
    path(
        "training/departments/<str:key>/edit/",
        views.department_edit,
        name="training-department-edit",
    ),
    path("training/targets/", views.target_list, name="training-targets"),
    path("training/import/", views.import_attendance, name="training-import"),
    path("training/export/", views.export_attendance, name="training-export"),
]
