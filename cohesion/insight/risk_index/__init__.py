"""The cohesion risk index: configurable, transparent, tested for robustness (no Django).

Method: ../shared/reference/indices-and-assessment.md §1 and §3; how to use it:
docs/how-to/build-a-risk-index.md. The public interface:

    parse_config(data, *, available=None) -> IndexConfig     # raises ConfigError
    config_to_dict(config) -> dict
    default_config(available) -> dict
    compute_index(data, config, *, names=None, simulations=None, seed=None) -> IndexResult
    method_sections(config) -> list[MethodSection]
    CONTEXT_ONLY, context_only(key)
"""

from cohesion.insight.risk_index.compute import (
    RESULT_COLUMNS,
    DataError,
    IndexResult,
    compute_index,
)
from cohesion.insight.risk_index.config import (
    CONTEXT_ONLY,
    ConfigError,
    IndexConfig,
    Indicator,
    Robustness,
    Treatment,
    config_to_dict,
    context_only,
    default_config,
    parse_config,
)
from cohesion.insight.risk_index.method import MethodSection, MethodTable, method_sections

__all__ = [
    "CONTEXT_ONLY",
    "RESULT_COLUMNS",
    "ConfigError",
    "DataError",
    "IndexConfig",
    "IndexResult",
    "Indicator",
    "MethodSection",
    "MethodTable",
    "Robustness",
    "Treatment",
    "compute_index",
    "config_to_dict",
    "context_only",
    "default_config",
    "method_sections",
    "parse_config",
]
