from django.urls import URLPattern, path

from cohesion.profiles import segregation_views
from cohesion.profiles import views as profile_views

urlpatterns: list[URLPattern] = [
    path("areas/<str:code>/profile/", profile_views.area_profile, name="area-profile"),
    path("areas/<str:code>/profile.csv", profile_views.area_profile_csv, name="area-profile-csv"),
    path("areas/<str:code>/profile.pdf", profile_views.area_profile_pdf, name="area-profile-pdf"),
    path(
        "areas/<str:code>/segregation/", segregation_views.area_segregation, name="area-segregation"
    ),
]
