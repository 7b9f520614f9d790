"""The mediation part of the JSON API at /api/v1/."""

from ninja import Router

router = Router(tags=["mediation"])
