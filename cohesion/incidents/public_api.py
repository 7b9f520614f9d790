"""Public (no sign-in) report submission in the JSON API: POST /api/v1/reports/."""

from ninja import Router

router = Router(tags=["public reports"])
