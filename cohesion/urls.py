from django.urls import include, path

from cohesion.api.api import api

urlpatterns = [
    path("", include("cohesion.core.urls")),
    path("", include("cohesion.accounts.urls")),
    path("", include("cohesion.areas.urls")),
    path("", include("cohesion.audit.urls")),
    path("", include("cohesion.incidents.public_urls")),
    path("", include("cohesion.incidents.urls")),
    path("", include("cohesion.tensions.urls")),
    path("", include("cohesion.mediation.urls")),
    path("", include("cohesion.privacy.urls")),
    path("", include("cohesion.assessments.urls")),
    path("", include("cohesion.strategies.urls")),
    path("", include("cohesion.impact.urls")),
    path("", include("cohesion.earlywarning.urls")),
    path("", include("cohesion.profiles.urls")),
    path("", include("cohesion.riskindex.urls")),
    path("", include("cohesion.directory.urls")),
    path("", include("cohesion.openreferral.urls")),
    path("", include("cohesion.library.urls")),
    path("", include("cohesion.training.urls")),
    path("", include("cohesion.projects.urls")),
    path("", include("cohesion.grants.urls")),
    path("", include("cohesion.consultations.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]

handler404 = "cohesion.core.errors.not_found"
handler500 = "cohesion.core.errors.server_error"
handler403 = "cohesion.core.errors.forbidden"
