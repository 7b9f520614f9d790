"""The demo data framework.

Each app that has demo data defines loaders in its own ``demo.py``::

    @demo_loader(order=30, name="tension reports")
    def load_tensions(context: DemoContext) -> list[str]:
        rng = context.rng          # seeded: the same data every time
        ...
        return ["120 tension reports"]

`cohesion demo load` discovers them, runs them in order inside one transaction,
and prints what each made. Every synthetic record must be marked synthetic
(an ``is_synthetic`` field, and "Demo" in visible names where there is no field).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules

DEFAULT_SEED = 20261122


@dataclass
class DemoContext:
    seed: int = DEFAULT_SEED
    rng: random.Random = field(init=False)
    # Values loaders share, e.g. the organisations later loaders attach records to.
    shared: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)


@dataclass(frozen=True)
class DemoLoader:
    order: int
    name: str
    run: Callable[[DemoContext], list[str]]


_loaders: dict[str, DemoLoader] = {}


def demo_loader(
    *, order: int, name: str
) -> Callable[[Callable[[DemoContext], list[str]]], Callable[[DemoContext], list[str]]]:
    """Register a loader; `order` sets when it runs (geography 0, accounts 10, …)."""

    def register(func: Callable[[DemoContext], list[str]]) -> Callable[[DemoContext], list[str]]:
        _loaders[name] = DemoLoader(order=order, name=name, run=func)
        return func

    return register


def loaders() -> list[DemoLoader]:
    autodiscover_modules("demo")
    return sorted(_loaders.values(), key=lambda loader: (loader.order, loader.name))
