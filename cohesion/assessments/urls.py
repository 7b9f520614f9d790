from django.urls import URLPattern, path

from cohesion.assessments import views

urlpatterns: list[URLPattern] = [
    path("assessment/", views.sia, name="sia"),
    path("assessment/public/", views.sia_public, name="sia-public"),
]
