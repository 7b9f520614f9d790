from django.urls import include, path

from cohesion.api.api import api

urlpatterns = [
    path("", include("cohesion.core.urls")),
    path("", include("cohesion.accounts.urls")),
    path("", include("cohesion.areas.urls")),
    path("", include("cohesion.audit.urls")),
    path("api/v1/", api.urls),
]

handler404 = "cohesion.core.errors.not_found"
handler500 = "cohesion.core.errors.server_error"
handler403 = "cohesion.core.errors.forbidden"
