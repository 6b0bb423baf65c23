"""The scoring settings and the metrics they weigh (docs/scoring.md, "Settings")."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

METRICS = (
    "reply_rate",
    "ghosting_rate",
    "feedback_rate",
    "follow_up_rate",
    "cv_harvest_rate",
    "salary_fishing_rate",
)
# For these the metric counts something good; for the others the goodness is 1 - estimate.
HIGHER_IS_BETTER = frozenset({"reply_rate", "feedback_rate", "follow_up_rate"})


class FlagRule(NamedTuple):
    """When a flag shows: the metric's lower 90% end and how much evidence must back it."""

    metric: str
    lower_end_at_least: float
    min_count: int
    count_hits: bool = False  # count successes (fishing engagements) rather than cases


@dataclass(frozen=True, slots=True)
class ScoringConfig:
    """Every setting of docs/scoring.md, with its default."""

    reply_window_days: int = 14
    ghosting_window_days: int = 30
    feedback_window_days: int = 21
    follow_up_window_days: int = 90
    half_life_days: float = 180
    prior_strength: float = 8
    account_cap: float = 3
    min_engagements: int = 5
    weights: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType(
            {
                "reply_rate": 0.30,
                "ghosting_rate": 0.25,
                "feedback_rate": 0.15,
                "follow_up_rate": 0.10,
                "cv_harvest_rate": 0.10,
                "salary_fishing_rate": 0.10,
            }
        )
    )
    default_platform_rates: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType(
            {
                "reply_rate": 0.6,
                "ghosting_rate": 0.3,
                "feedback_rate": 0.5,
                "follow_up_rate": 0.3,
                "cv_harvest_rate": 0.2,
                "salary_fishing_rate": 0.15,
            }
        )
    )
    flag_thresholds: Mapping[str, FlagRule] = field(
        default_factory=lambda: MappingProxyType(
            {
                "ghosting": FlagRule("ghosting_rate", 0.40, 5),
                "cv_harvesting": FlagRule("cv_harvest_rate", 0.30, 5),
                "salary_fishing": FlagRule("salary_fishing_rate", 0.20, 3, count_hits=True),
            }
        )
    )


DEFAULT_CONFIG = ScoringConfig()
