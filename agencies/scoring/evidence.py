"""What one agency's events come to: the cases of each metric and the reply delays."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, Self


class EventRow(NamedTuple):
    """One event, as the database query yields it."""

    engagement: int
    candidate: int
    day: int  # date.toordinal() of occurred_on
    seconds: int  # time of day in seconds, or -1 when no time was given
    event_id: int  # tie-break: the order events were logged
    kind: str
    disclosed: bool | None  # role_details_disclosed, meaningful on salary_asked only


@dataclass(frozen=True, slots=True)
class Tally:
    """One metric's cases: unweighted for the shown rate, weighted for the score."""

    hits: int
    cases: int
    weighted_hits: float
    weighted_cases: float

    @property
    def rate(self) -> float | None:
        """The shown rate: hits / cases, or None without cases."""
        return self.hits / self.cases if self.cases else None


NO_CASES = Tally(0, 0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Everything the score needs from one agency's events; JSON-storable."""

    engagements: int
    tallies: Mapping[str, Tally]
    reply_delays: Mapping[int, int]  # days -> answered awaiting points with that delay

    @property
    def median_reply_days(self) -> float | None:
        """Median days from an awaiting point to its answer, or None with no answered point."""
        total = sum(self.reply_delays.values())
        if not total:
            return None
        lower_index, upper_index = (total - 1) // 2, total // 2
        lower = upper = None
        seen = 0
        for delay, count in sorted(self.reply_delays.items()):
            seen += count
            if lower is None and seen > lower_index:
                lower = delay
            if seen > upper_index:
                upper = delay
                break
        return (lower + upper) / 2

    def to_json(self) -> dict[str, Any]:
        """This evidence as plain JSON types (string keys), for ``from_json``."""
        return {
            "engagements": self.engagements,
            "tallies": {
                metric: {
                    "hits": tally.hits,
                    "cases": tally.cases,
                    "weighted_hits": tally.weighted_hits,
                    "weighted_cases": tally.weighted_cases,
                }
                for metric, tally in self.tallies.items()
            },
            "reply_delays": {str(delay): count for delay, count in self.reply_delays.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """The evidence ``to_json`` stored, exactly."""
        return cls(
            engagements=int(data["engagements"]),
            tallies={
                metric: Tally(
                    int(tally["hits"]),
                    int(tally["cases"]),
                    float(tally["weighted_hits"]),
                    float(tally["weighted_cases"]),
                )
                for metric, tally in data["tallies"].items()
            },
            reply_delays={int(delay): int(count) for delay, count in data["reply_delays"].items()},
        )
