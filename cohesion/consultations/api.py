"""The app's API router, mounted in cohesion/api/api.py."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["consultations"])
