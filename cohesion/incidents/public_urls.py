"""The public hate-incident report journey at /report/ (no sign-in)."""

from django.urls import URLPattern, path

from cohesion.incidents.public import views

urlpatterns: list[URLPattern] = [
    path("report/", views.start, name="report-start"),
    path("report/check-your-answers/", views.check, name="report-check"),
    path("report/sent/", views.done, name="report-done"),
    path("report/<slug:slug>/", views.step, name="report-step"),
]
