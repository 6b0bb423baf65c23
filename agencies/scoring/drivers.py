"""What costs an agency points: each metric's share of the distance from its score to 100.

The score is 100 * the weighted sum of goodness values (docs/scoring.md), so it falls short of
100 by exactly the sum, over the metrics, of 100 * weight * (1 - goodness). That amount is
what a metric "pulls the score down" by, and what an agency stands to gain by improving it.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from agencies.scoring.config import DEFAULT_CONFIG, HIGHER_IS_BETTER, METRICS, ScoringConfig
from agencies.scoring.evidence import NO_CASES, Evidence


@dataclass(frozen=True, slots=True)
class Driver:
    """One metric's cost to the score and the counted cases that went against the agency."""

    metric: str
    points_lost: float
    against: int  # unanswered points, ghosted engagements, interviews without news...
    cases: int


def score_drivers(
    evidence: Evidence, estimates: Mapping[str, float], config: ScoringConfig = DEFAULT_CONFIG
) -> list[Driver]:
    """Each metric's points lost, largest first (ties in the order of METRICS).

    ``estimates`` are the shrunk rates ``score_evidence`` computed from ``evidence``; their
    points lost add up to 100 minus the unrounded score.
    """
    drivers = []
    for metric in METRICS:
        estimate = estimates[metric]
        higher_is_better = metric in HIGHER_IS_BETTER
        goodness = estimate if higher_is_better else 1 - estimate
        tally = evidence.tallies.get(metric, NO_CASES)
        against = tally.cases - tally.hits if higher_is_better else tally.hits
        drivers.append(
            Driver(metric, 100 * config.weights[metric] * (1 - goodness), against, tally.cases)
        )
    order = {metric: index for index, metric in enumerate(METRICS)}
    return sorted(drivers, key=lambda driver: (-driver.points_lost, order[driver.metric]))
