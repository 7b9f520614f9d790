"""The versioned JSON API at /api/v1/.

Versioning policy: within v1, fields and endpoints are only ever added. A change
that removes or changes the meaning of a field starts /api/v2/, and v1 keeps
working for at least 12 months after v2 is published.

The API uses the same access helpers and actions as the pages: the session
cookie signs a person in, and CSRF protects every unsafe request.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI

from cohesion.accounts.api import router as accounts_router
from cohesion.areas.api import router as areas_router
from cohesion.earlywarning.api import router as early_warning_router
from cohesion.impact.api import router as impact_router
from cohesion.incidents.api import router as incidents_router
from cohesion.incidents.public_api import router as public_reports_router
from cohesion.mediation.api import router as mediation_router
from cohesion.riskindex.api import router as risk_index_router
from cohesion.strategies.api import router as strategies_router
from cohesion.tensions.api import router as tensions_router

api = NinjaAPI(
    title="Cohesion API",
    version="1.0.0",
    description=(
        "Read and change Cohesion's records with the same permissions as the web pages. "
        "Geography is public; everything else needs a signed-in session."
    ),
    urls_namespace="api-1.0.0",
)
api.add_router("/areas/", areas_router)
api.add_router("/areas/", "cohesion.profiles.api.router")  # /areas/{code}/profile
api.add_router("/areas/", "cohesion.profiles.segregation_api.router")  # /areas/{code}/segregation
api.add_router("/", accounts_router)
api.add_router("/", incidents_router)
api.add_router("/reports/", public_reports_router)
api.add_router("/tensions/", tensions_router)
api.add_router("/mediation/", mediation_router)
api.add_router("/strategies/", strategies_router)
api.add_router("/impact/", impact_router)
api.add_router("/early-warning/", early_warning_router)
api.add_router("/index/", risk_index_router)
api.add_router("/directory/", "cohesion.directory.api.router")
api.add_router("/library/", "cohesion.library.api.router")
api.add_router("/training/", "cohesion.training.api.router")
api.add_router("/projects/", "cohesion.projects.api.router")
api.add_router("/grants/", "cohesion.grants.api.router")
api.add_router("/consultations/", "cohesion.consultations.api.router")


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Same body for "missing" and "not yours": nothing to learn from probing.
    return api.create_response(request, {"detail": "Not found"}, status=404)
