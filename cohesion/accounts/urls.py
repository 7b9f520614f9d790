from django.contrib.auth import views as auth_views
from django.urls import path

from cohesion.accounts import views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path(
        "organisations/<str:organisation_uuid>/",
        views.organisation_detail,
        name="organisation-detail",
    ),
    path("people/<str:person_uuid>/", views.person_detail, name="person-detail"),
]
