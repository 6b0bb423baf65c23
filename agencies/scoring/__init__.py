"""The scoring core: cases, weights, shrinkage, score, flags and ranks (docs/scoring.md).

Pure on purpose: no Django and no clock (callers pass ``now``), so the nightly recompute can
feed it plain tuples and the unit tests run in milliseconds.
"""

from agencies.scoring.cases import summarise_agency
from agencies.scoring.config import (
    DEFAULT_CONFIG,
    HIGHER_IS_BETTER,
    METRICS,
    FlagRule,
    ScoringConfig,
)
from agencies.scoring.evidence import EventRow, Evidence, Tally
from agencies.scoring.score import (
    RANGE_Z,
    ScoreResult,
    assign_ranks,
    platform_rates,
    score_evidence,
)

__all__ = [
    "DEFAULT_CONFIG",
    "HIGHER_IS_BETTER",
    "METRICS",
    "RANGE_Z",
    "EventRow",
    "Evidence",
    "FlagRule",
    "ScoreResult",
    "ScoringConfig",
    "Tally",
    "assign_ranks",
    "platform_rates",
    "score_evidence",
    "summarise_agency",
]
