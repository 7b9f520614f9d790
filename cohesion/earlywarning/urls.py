from django.urls import path

from cohesion.earlywarning import views, views_settings

# `alert-list` and `alert-detail` are also used by the dashboard and the alert emails.
urlpatterns = [
    path("early-warning/", views.alert_list, name="alert-list"),
    path("early-warning/alerts/<int:pk>/", views.alert_detail, name="alert-detail"),
    path(
        "early-warning/alerts/<int:pk>/acknowledge/",
        views.alert_acknowledge,
        name="alert-acknowledge",
    ),
    path("early-warning/alerts/<int:pk>/link/", views.alert_link, name="alert-link"),
    path("early-warning/areas/<str:code>/", views.area_series, name="early-warning-area"),
    path("early-warning/backtest/", views_settings.backtest, name="early-warning-backtest"),
    path("early-warning/settings/", views_settings.settings_list, name="early-warning-settings"),
    path(
        "early-warning/settings/new/", views_settings.setting_new, name="early-warning-setting-new"
    ),
    path(
        "early-warning/settings/<int:pk>/",
        views_settings.setting_edit,
        name="early-warning-setting-edit",
    ),
]
