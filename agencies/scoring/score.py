"""From cases to a score: shrinkage, goodness, the 90% range, flags and ranks."""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from agencies.scoring.config import (
    DEFAULT_CONFIG,
    HIGHER_IS_BETTER,
    METRICS,
    FlagRule,
    ScoringConfig,
)
from agencies.scoring.evidence import NO_CASES, Evidence

RANGE_Z = 1.645  # a two-sided 90% range under a normal approximation


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """An agency's score, its 90% range, the shrunk estimates and the flags."""

    score: float | None  # None below min_engagements
    score_low: float | None
    score_high: float | None
    raw_score: float | None  # the score even below min_engagements; None with no engagement
    estimates: Mapping[str, float]
    flags: tuple[str, ...]


def platform_rates(
    evidences: Iterable[Evidence], config: ScoringConfig = DEFAULT_CONFIG
) -> dict[str, float]:
    """Per metric, weighted hits over weighted cases of all agencies; the default if no cases."""
    sums = {metric: [0.0, 0.0] for metric in METRICS}
    for evidence in evidences:
        for metric, pair in sums.items():
            tally = evidence.tallies.get(metric, NO_CASES)
            pair[0] += tally.weighted_hits
            pair[1] += tally.weighted_cases
    return {
        metric: hit_sum / case_sum if case_sum > 0 else config.default_platform_rates[metric]
        for metric, (hit_sum, case_sum) in sums.items()
    }


def score_evidence(
    evidence: Evidence, *, platform: Mapping[str, float], config: ScoringConfig = DEFAULT_CONFIG
) -> ScoreResult:
    """Shrink each metric toward the platform rate, then weigh goodness into a 0-100 score."""
    prior = config.prior_strength
    estimates: dict[str, float] = {}
    lower_ends: dict[str, float] = {}
    goodness_sum = variance_sum = 0.0
    for metric in METRICS:
        tally = evidence.tallies.get(metric, NO_CASES)
        platform_rate = platform.get(metric, config.default_platform_rates[metric])
        a = tally.weighted_hits + prior * platform_rate
        b = tally.weighted_cases - tally.weighted_hits + prior * (1 - platform_rate)
        estimate = a / (a + b)
        variance = a * b / ((a + b) ** 2 * (a + b + 1))
        estimates[metric] = estimate
        lower_ends[metric] = estimate - RANGE_Z * math.sqrt(variance)
        weight = config.weights[metric]
        goodness_sum += weight * (estimate if metric in HIGHER_IS_BETTER else 1 - estimate)
        variance_sum += weight * weight * variance

    flags = tuple(
        name
        for name, rule in config.flag_thresholds.items()
        if lower_ends[rule.metric] >= rule.lower_end_at_least
        and _flag_count(evidence, rule) >= rule.min_count
    )
    if not evidence.engagements:
        return ScoreResult(None, None, None, None, estimates, flags)

    # Clipped because float sums of weights that add up to 1 can land a hair above 100.
    raw_score = min(100.0, max(0.0, 100 * goodness_sum))
    if evidence.engagements < config.min_engagements:
        return ScoreResult(None, None, None, raw_score, estimates, flags)
    spread = RANGE_Z * 100 * math.sqrt(variance_sum)
    return ScoreResult(
        score=raw_score,
        score_low=max(0.0, raw_score - spread),
        score_high=min(100.0, raw_score + spread),
        raw_score=raw_score,
        estimates=estimates,
        flags=flags,
    )


def _flag_count(evidence: Evidence, rule: FlagRule) -> int:
    tally = evidence.tallies.get(rule.metric, NO_CASES)
    return tally.hits if rule.count_hits else tally.cases


def assign_ranks(scores: Iterable[tuple[int, float | None, int]]) -> dict[int, int]:
    """Rank (agency, score, engagements) by score then engagements; equal pairs share a rank."""
    ranked = sorted(
        (
            (-score, -engagements, agency)
            for agency, score, engagements in scores
            if score is not None
        )
    )
    ranks: dict[int, int] = {}
    previous: tuple[float, int] | None = None
    rank = 0
    for position, (negative_score, negative_engagements, agency) in enumerate(ranked, start=1):
        if (negative_score, negative_engagements) != previous:
            rank = position
            previous = (negative_score, negative_engagements)
        ranks[agency] = rank
    return ranks
