from django.urls import URLPattern, path

from cohesion.projects import views

urlpatterns: list[URLPattern] = [
    path("projects/", views.project_list, name="projects-list"),
    path("projects/report/", views.project_report, name="projects-report"),
    path("projects/export/", views.project_export, name="projects-export"),
    path("projects/new/", views.project_edit, name="projects-new"),
    path("projects/categories/", views.categories, name="projects-categories"),
    path("projects/categories/<int:pk>/", views.categories, name="projects-category-edit"),
    path("projects/<str:key>/", views.project_detail, name="projects-detail"),
    path("projects/<str:key>/edit/", views.project_edit, name="projects-edit"),
]
