"""An agency's score row in plain words, as the public pages show it (docs/scoring.md)."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.models import AgencyScore, ScoreSnapshot
from agencies.scoring import DEFAULT_CONFIG
from reviews.models import RATING_FIELDS


@dataclass(frozen=True)
class MetricRow:
    """One metric: its name, a sentence with the shown rate, and the evidence behind it."""

    name: str
    sentence: str
    evidence: str


@dataclass(frozen=True)
class FlagRow:
    """One raised flag: its badge and what triggered it."""

    code: str
    badge: str
    reason: str


def flag_badges() -> dict[str, str]:
    """The plain-language badge of each flag."""
    return {
        "ghosting": _("Ghosts candidates"),
        "cv_harvesting": _("CV harvesting"),
        "salary_fishing": _("Salary fishing"),
    }


def _tally(evidence: Mapping[str, Any], metric: str) -> tuple[int, int]:
    """(hits, cases) of ``metric`` in a score row's evidence JSON; (0, 0) when absent."""
    tally = (evidence or {}).get("tallies", {}).get(metric) or {}
    return int(tally.get("hits", 0)), int(tally.get("cases", 0))


def _percent(hits: int, cases: int) -> int:
    return round(100 * hits / cases)


def _reply_row(evidence: Mapping[str, Any]) -> MetricRow:
    hits, cases = _tally(evidence, "reply_rate")
    days = settings.SCORING_REPLY_WINDOW_DAYS
    if cases:
        sentence = _("Replied within %(days)s days to %(percent)s%% of candidates' messages") % {
            "days": days,
            "percent": _percent(hits, cases),
        }
    else:
        sentence = _("No candidate's message has had %(days)s days for a reply yet") % {
            "days": days
        }
    count = ngettext("%(count)s message", "%(count)s messages", cases) % {"count": cases}
    return MetricRow(_("Reply rate"), sentence, count)


def _median_row(score: AgencyScore) -> MetricRow:
    delays = (score.evidence or {}).get("reply_delays", {})
    answered = sum(int(count) for count in delays.values())
    if score.median_reply_days is None:
        sentence = _("No reply logged yet")
    else:
        median = score.median_reply_days
        days = int(median) if float(median).is_integer() else median
        sentence = ngettext(
            "Half of the replies came within %(days)s day",
            "Half of the replies came within %(days)s days",
            # A fractional median (2.5) takes the plural form.
            days if isinstance(days, int) else 2,
        ) % {"days": days}
    count = ngettext("%(count)s reply", "%(count)s replies", answered) % {"count": answered}
    return MetricRow(_("Median reply time"), sentence, count)


def _ghosting_row(evidence: Mapping[str, Any]) -> MetricRow:
    hits, cases = _tally(evidence, "ghosting_rate")
    days = settings.SCORING_GHOSTING_WINDOW_DAYS
    if cases:
        sentence = _(
            "Stopped answering %(percent)s%% of candidates for more than %(days)s days"
        ) % {"percent": _percent(hits, cases), "days": days}
    else:
        sentence = _("No engagement has ended yet")
    count = ngettext("%(count)s ended engagement", "%(count)s ended engagements", cases) % {
        "count": cases
    }
    return MetricRow(_("Ghosting rate"), sentence, count)


def _feedback_row(evidence: Mapping[str, Any]) -> MetricRow:
    hits, cases = _tally(evidence, "feedback_rate")
    days = settings.SCORING_FEEDBACK_WINDOW_DAYS
    if cases:
        sentence = _("Gave news within %(days)s days after %(percent)s%% of interviews") % {
            "days": days,
            "percent": _percent(hits, cases),
        }
    else:
        sentence = _("No interview has had %(days)s days for news yet") % {"days": days}
    count = ngettext("%(count)s interview", "%(count)s interviews", cases) % {"count": cases}
    return MetricRow(_("Feedback rate"), sentence, count)


def _follow_up_row(evidence: Mapping[str, Any]) -> MetricRow:
    hits, cases = _tally(evidence, "follow_up_rate")
    days = settings.SCORING_FOLLOW_UP_WINDOW_DAYS
    if cases:
        sentence = _(
            "Sent feedback or followed up within %(days)s days after %(percent)s%% of rejections"
        ) % {"days": days, "percent": _percent(hits, cases)}
    else:
        sentence = _("No rejection has had %(days)s days for a follow-up yet") % {"days": days}
    count = ngettext("%(count)s rejection", "%(count)s rejections", cases) % {"count": cases}
    return MetricRow(_("Follow-up rate"), sentence, count)


def _cv_harvest_row(evidence: Mapping[str, Any]) -> MetricRow:
    hits, cases = _tally(evidence, "cv_harvest_rate")
    if cases:
        sentence = _(
            "Asked for a CV that led nowhere in %(percent)s%% of engagements with a CV"
        ) % {"percent": _percent(hits, cases)}
    else:
        sentence = _("No CV request has been decided yet")
    count = ngettext("%(count)s engagement with a CV", "%(count)s engagements with a CV", cases) % {
        "count": cases
    }
    return MetricRow(_("CV harvesting"), sentence, count)


def _salary_fishing_row(evidence: Mapping[str, Any]) -> MetricRow:
    hits, cases = _tally(evidence, "salary_fishing_rate")
    if cases:
        sentence = _(
            "Asked for the candidate's salary before describing the role in %(percent)s%% "
            "of engagements"
        ) % {"percent": _percent(hits, cases)}
    else:
        sentence = _("No engagement says yet whether pay came up before the role")
    count = ngettext("%(count)s engagement", "%(count)s engagements", cases) % {"count": cases}
    return MetricRow(_("Salary fishing"), sentence, count)


def metric_rows(score: AgencyScore | None) -> list[MetricRow]:
    """Each metric of ``score`` in plain words with its evidence count; empty without a row."""
    if score is None:
        return []
    evidence = score.evidence or {}
    return [
        _reply_row(evidence),
        _median_row(score),
        _ghosting_row(evidence),
        _feedback_row(evidence),
        _follow_up_row(evidence),
        _cv_harvest_row(evidence),
        _salary_fishing_row(evidence),
    ]


def flag_rows(score: AgencyScore | None) -> list[FlagRow]:
    """The raised flags of ``score``, each with the counts and thresholds that triggered it."""
    if score is None:
        return []
    evidence = score.evidence or {}
    rules = DEFAULT_CONFIG.flag_thresholds
    badges = flag_badges()
    rows = []
    for code in score.flags:
        rule = rules[code]
        hits, cases = _tally(evidence, rule.metric)
        threshold = round(100 * rule.lower_end_at_least)
        if code == "ghosting":
            reason = _(
                "%(hits)s of %(cases)s ended engagements were ghosted: even at the low end of "
                "its range, the ghosting rate is above %(threshold)s%%."
            )
        elif code == "cv_harvesting":
            reason = _(
                "%(hits)s of %(cases)s engagements with a CV led nowhere or to a role that was "
                "not real: even at the low end of its range, the rate is above %(threshold)s%%."
            )
        else:
            reason = _(
                "In %(hits)s of %(cases)s engagements the agency asked for the salary before "
                "describing the role: even at the low end of its range, the rate is above "
                "%(threshold)s%%."
            )
        reason %= {"hits": hits, "cases": cases, "threshold": threshold}
        rows.append(FlagRow(code, badges[code], reason))
    return rows


@dataclass(frozen=True)
class TrendPoint:
    """One month of the trend chart, in SVG coordinates and in words."""

    month: datetime.date
    score: int
    low: int
    high: int
    x: float
    y: float
    month_name: str = ""  # "March 2026", for the table
    range_label: str = ""  # the score and its range in words, for the table


@dataclass(frozen=True)
class TrendChart:
    """A line of monthly scores with their ranges, ready for an SVG template."""

    width: int
    height: int
    points: list[TrendPoint]
    line: str  # polyline points
    band: str  # polygon points of the 90% range
    gridlines: list[tuple[int, float]]  # (score, y)
    left: int
    right: int


CHART_WIDTH, CHART_HEIGHT = 640, 220
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 40, 20, 10, 30


def trend_chart(snapshots: Sequence[ScoreSnapshot]) -> TrendChart | None:
    """The chart of ``snapshots`` (oldest first, each with a score); None with fewer than two."""
    if len(snapshots) < 2:
        return None
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM

    def y_of(value: float) -> float:
        return round(CHART_TOP + plot_height * (1 - value / 100), 1)

    step = plot_width / (len(snapshots) - 1)
    points = []
    for index, snapshot in enumerate(snapshots):
        low = snapshot.score if snapshot.score_low is None else snapshot.score_low
        high = snapshot.score if snapshot.score_high is None else snapshot.score_high
        points.append(
            TrendPoint(
                month=snapshot.month,
                score=round(snapshot.score),
                low=round(low),
                high=round(high),
                x=round(CHART_LEFT + index * step, 1),
                y=y_of(snapshot.score),
                month_name=date_format(snapshot.month, "F Y"),
                range_label=_("%(score)s (%(low)s–%(high)s)")  # noqa: RUF001 (en dash)
                % {"score": round(snapshot.score), "low": round(low), "high": round(high)},
            )
        )
    upper = [f"{p.x},{y_of(p.high)}" for p in points]
    lower = [f"{p.x},{y_of(p.low)}" for p in reversed(points)]
    return TrendChart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        points=points,
        line=" ".join(f"{p.x},{p.y}" for p in points),
        band=" ".join(upper + lower),
        gridlines=[(value, y_of(value)) for value in (0, 25, 50, 75, 100)],
        left=CHART_LEFT,
        right=CHART_WIDTH - CHART_RIGHT,
    )


@dataclass(frozen=True)
class ReplyTimeBar:
    """One bucket of reply times: its words, its count and share, and its bar in SVG units."""

    label: str
    count: int
    percent: int
    y: float  # top of the bar
    middle: float  # vertical middle of the row, for its labels
    width: float
    value_x: float  # where the count is written, just after the bar
    value_label: str = ""  # "12 (40%)", written after the bar


@dataclass(frozen=True)
class ReplyTimeChart:
    """Horizontal bars of answered points by reply time, ready for an SVG template."""

    width: int
    height: int
    bars: list[ReplyTimeBar]
    total: int
    label_right: int  # bucket names end here
    bar_left: int
    bar_height: int


# Reply-time buckets in whole days: (first, last); None means no upper bound.
REPLY_TIME_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (0, 0),
    (1, 2),
    (3, 7),
    (8, 14),
    (15, 30),
    (31, None),
)
BARS_WIDTH, BARS_LABEL_RIGHT, BARS_LEFT, BARS_VALUE_SPACE = 640, 112, 120, 110
BARS_TOP, BARS_ROW, BARS_HEIGHT = 10, 30, 18


def _bucket_label(first: int, last: int | None) -> str:
    if last is None:
        return _("Over %(days)s days") % {"days": first - 1}
    if last == 0:
        return _("Same day")
    return _("%(first)s–%(last)s days") % {"first": first, "last": last}  # noqa: RUF001 (en dash)


def reply_time_chart(evidence: Mapping[str, Any] | None) -> ReplyTimeChart | None:
    """Answered points by reply time in buckets, from a score row's evidence JSON.

    Its ``reply_delays`` maps a delay in whole days (a string key) to how many answered
    points took that long. None when no point was answered.
    """
    counts = [0] * len(REPLY_TIME_BUCKETS)
    for delay, count in ((evidence or {}).get("reply_delays") or {}).items():
        days, number = int(delay), int(count)
        if number <= 0:
            continue
        for index, (_first, last) in enumerate(REPLY_TIME_BUCKETS):
            if last is None or days <= last:
                counts[index] += number
                break
    total = sum(counts)
    if not total:
        return None
    plot_width = BARS_WIDTH - BARS_LEFT - BARS_VALUE_SPACE
    largest = max(counts)
    bars = []
    for index, ((first, last), count) in enumerate(zip(REPLY_TIME_BUCKETS, counts, strict=True)):
        width = round(plot_width * count / largest, 1)
        top = BARS_TOP + index * BARS_ROW
        bars.append(
            ReplyTimeBar(
                label=_bucket_label(first, last),
                count=count,
                percent=_percent(count, total),
                y=top + (BARS_ROW - BARS_HEIGHT) / 2,
                middle=top + BARS_ROW / 2,
                width=width,
                value_x=round(BARS_LEFT + width + 6, 1),
                value_label=_("%(count)s (%(percent)s%%)")
                % {"count": count, "percent": _percent(count, total)},
            )
        )
    return ReplyTimeChart(
        width=BARS_WIDTH,
        height=BARS_TOP * 2 + BARS_ROW * len(bars),
        bars=bars,
        total=total,
        label_right=BARS_LABEL_RIGHT,
        bar_left=BARS_LEFT,
        bar_height=BARS_HEIGHT,
    )


@dataclass(frozen=True)
class ReviewCard:
    """One published review as the agency page shows it, with its agency reply if shown."""

    pk: int
    meta: SafeString  # "March 2026 · rated 4.5 / 5"
    text: str
    report_url: str
    reply_text: str | None  # None when there is no reply or it was removed
    reply_report_url: str | None


def _url_with_pk(name: str):
    """A function giving the URL named ``name`` for a pk: one reverse per page, not per row."""
    # Reversing once with a placeholder pk and substituting keeps the URLconf the only place
    # that spells these addresses.
    base = reverse(name, kwargs={"pk": 0})
    head, _zero, tail = base.rpartition("/0/")
    return lambda pk: f"{head}/{pk}/{tail}"


def review_cards(reviews: Sequence[Mapping[str, Any]]) -> list[ReviewCard]:
    """``reviews`` (rows of ``published_reviews``) with their words, dates and links made."""
    review_url = _url_with_pk("reports:review")
    reply_url = _url_with_pk("reports:reply")
    meta = _("%(month)s · rated %(rating)s / 5")
    # Reviews share few months and few average ratings (quarter steps): format each once.
    months: dict[tuple[int, int], str] = {}
    ratings: dict[float, str] = {}
    cards = []
    for review in reviews:
        published = localtime(review["published_at"])
        month = (published.year, published.month)
        if month not in months:
            months[month] = conditional_escape(date_format(published, "F Y"))
        rating = sum(review[name] for name in RATING_FIELDS) / len(RATING_FIELDS)
        if rating not in ratings:
            ratings[rating] = conditional_escape(floatformat(rating, 1))
        values = {"month": months[month], "rating": ratings[rating]}
        shown = review["reply_pk"] is not None and review["reply_removed_at"] is None
        cards.append(
            ReviewCard(
                pk=review["pk"],
                meta=mark_safe(meta % values),  # noqa: S308 - the values are escaped
                text=review["text"],
                report_url=review_url(review["pk"]),
                reply_text=review["reply_text"] if shown else None,
                reply_report_url=reply_url(review["reply_pk"]) if shown else None,
            )
        )
    return cards
