from django.urls import path

from cohesion.riskindex import views

urlpatterns = [
    path("risk-index/", views.index_list, name="risk-index-list"),
    path(
        "risk-index/councils/<str:code>/default/",
        views.create_default,
        name="risk-index-create-default",
    ),
    path("risk-index/<int:pk>/", views.configuration_detail, name="risk-index-detail"),
    path(
        "risk-index/<int:pk>/configure/",
        views.configuration_configure,
        name="risk-index-configure",
    ),
    path("risk-index/<int:pk>/compute/", views.configuration_compute, name="risk-index-compute"),
    path("risk-index/<int:pk>/method/", views.configuration_method, name="risk-index-method"),
    path(
        "risk-index/<int:pk>/download.<str:fmt>",
        views.configuration_download,
        name="risk-index-download",
    ),
]
