from django.urls import path

from cohesion.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("open-data/", views.open_data, name="open-data"),
    path("components/", views.components, name="components"),
]
