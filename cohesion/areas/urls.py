from django.urls import path

from cohesion.areas import views

urlpatterns = [
    path("areas/", views.council_list, name="area-list"),
    path("areas/<str:code>/", views.area_detail, name="area-detail"),
]
