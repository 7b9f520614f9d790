from django.urls import path

from cohesion.areas import map_views, views

urlpatterns = [
    path("areas/", views.council_list, name="area-list"),
    path("areas/<str:code>/", views.area_detail, name="area-detail"),
    path("areas/<str:code>/map/", map_views.area_map, name="area-map"),
    path("areas/<str:code>/map.svg", map_views.area_map_svg, name="area-map-svg"),
]
