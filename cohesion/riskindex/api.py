"""`/api/v1/index/…`: the cohesion risk index, with the same permissions as the pages."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Risk index"])
