"""An agency's score row in plain words, as the public pages show it (docs/scoring.md)."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.models import AgencyScore, SpecialtyCode
from agencies.queries import SnapshotRow
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
    gridline_marks: SafeString  # each gridline with its score, as SVG
    point_marks: SafeString  # each month's dot, the first and last named
    table_rows: SafeString  # the chart as table rows: month, score (range)


CHART_WIDTH, CHART_HEIGHT = 640, 220
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 40, 20, 10, 30

# The charts' repeated shapes and their tables' rows are filled in here, numbers as Python
# writes them (never localised: a decimal comma breaks SVG) and words escaped: drawn through
# the template engine, a node per attribute, they cost the agency page a millisecond.
_GRIDLINE = (
    '<line x1="{left}" x2="{right}" y1="{y}" y2="{y}" stroke="#d1d5db" stroke-width="1"/>\n'
    '<text x="{label_x}" y="{y}" text-anchor="end" dominant-baseline="middle" font-size="11"'
    ' fill="#4b5563">{score}</text>\n'
)
_DOT = '<circle cx="{x}" cy="{y}" r="3.5" fill="#1f2937"/>\n'
_MONTH_LABEL = (
    '<text x="{x}" y="{y}" text-anchor="{anchor}" font-size="11" fill="#4b5563">{month}</text>\n'
)
_TREND_ROW = "<tr><td>{month}</td><td>{score}</td></tr>\n"


def trend_chart(snapshots: Sequence[SnapshotRow]) -> TrendChart | None:
    """The chart of ``snapshots`` (oldest first, each with a score); None with fewer than two."""
    if len(snapshots) < 2:
        return None
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM

    def y_of(value: float) -> float:
        return round(CHART_TOP + plot_height * (1 - value / 100), 1)

    step = plot_width / (len(snapshots) - 1)
    score_range = _("%(score)s (%(low)s–%(high)s)")  # noqa: RUF001 (en dash)
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
                range_label=score_range
                % {"score": round(snapshot.score), "low": round(low), "high": round(high)},
            )
        )
    upper = [f"{p.x},{y_of(p.high)}" for p in points]
    lower = [f"{p.x},{y_of(p.low)}" for p in reversed(points)]
    gridlines = [(value, y_of(value)) for value in (0, 25, 50, 75, 100)]
    right = CHART_WIDTH - CHART_RIGHT
    marks = [_DOT.format(x=p.x, y=p.y) for p in points]
    # The first and last months are named under the axis, the first at its start.
    for index, anchor in ((0, "start"), (-1, "end")):
        marks[index] += _MONTH_LABEL.format(
            x=points[index].x,
            y=CHART_HEIGHT - 8,
            anchor=anchor,
            month=escape(date_format(points[index].month, "M Y")),
        )
    # Every value filled in is a number or escaped; the markup is this module's own.
    return TrendChart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        points=points,
        line=" ".join(f"{p.x},{p.y}" for p in points),
        band=" ".join(upper + lower),
        gridlines=gridlines,
        left=CHART_LEFT,
        right=right,
        gridline_marks=mark_safe(  # noqa: S308
            "".join(
                _GRIDLINE.format(
                    left=CHART_LEFT, right=right, y=y, label_x=CHART_LEFT - 6, score=value
                )
                for value, y in gridlines
            )
        ),
        point_marks=mark_safe("".join(marks)),  # noqa: S308
        table_rows=mark_safe(  # noqa: S308
            "".join(
                _TREND_ROW.format(month=escape(p.month_name), score=escape(p.range_label))
                for p in points
            )
        ),
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
    bar_marks: SafeString  # each bar with its name and count, as SVG
    table_rows: SafeString  # the chart as table rows: bucket, count, share


_BAR = (
    '<text x="{label_right}" y="{middle}" text-anchor="end" dominant-baseline="middle"'
    ' font-size="12" fill="#111827">{label}</text>\n'
    '<rect x="{left}" y="{y}" width="{width}" height="{height}" fill="#4b5563"/>\n'
    '<text x="{value_x}" y="{middle}" dominant-baseline="middle" font-size="12"'
    ' fill="#111827">{value}</text>\n'
)
_BAR_ROW = "<tr><td>{label}</td><td>{count}</td><td>{percent}%</td></tr>\n"


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
    # Every value filled in is a number or escaped; the markup is this module's own.
    return ReplyTimeChart(
        width=BARS_WIDTH,
        height=BARS_TOP * 2 + BARS_ROW * len(bars),
        bars=bars,
        total=total,
        label_right=BARS_LABEL_RIGHT,
        bar_left=BARS_LEFT,
        bar_height=BARS_HEIGHT,
        bar_marks=mark_safe(  # noqa: S308
            "".join(
                _BAR.format(
                    label_right=BARS_LABEL_RIGHT,
                    middle=bar.middle,
                    label=escape(bar.label),
                    left=BARS_LEFT,
                    y=bar.y,
                    width=bar.width,
                    height=BARS_HEIGHT,
                    value_x=bar.value_x,
                    value=escape(bar.value_label),
                )
                for bar in bars
            )
        ),
        table_rows=mark_safe(  # noqa: S308
            "".join(
                _BAR_ROW.format(label=escape(bar.label), count=bar.count, percent=bar.percent)
                for bar in bars
            )
        ),
    )


def _url_with_pk(name: str):
    """A function giving the URL named ``name`` for a pk: one reverse per page, not per row."""
    # Reversing once with a placeholder pk and substituting keeps the URLconf the only place
    # that spells these addresses.
    base = reverse(name, kwargs={"pk": 0})
    head, _zero, tail = base.rpartition("/0/")
    return lambda pk: f"{head}/{pk}/{tail}"


def _text_with_breaks(text: str) -> str:
    """``text|linebreaksbr``: escaped, each line break (CRLF, CR or LF) a ``<br>``."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return escape(text).replace("\n", "<br>")


# Each review's markup, filled with escaped values: printing 50 reviews through the template
# engine (a dozen nodes and two filters each) cost more than the rest of the agency page.
_REVIEW = (
    '<article class="panel review">\n'
    '  <p class="muted">{meta}</p>\n'
    "  <p>{text}</p>\n"
    '  <p class="report-link"><a href="{report_url}" rel="nofollow">{report}</a></p>\n'
    "{reply}</article>\n"
)
_REPLY = (
    '  <div class="agency-reply">\n'
    "    <h3>{heading}</h3>\n"
    "    <p>{text}</p>\n"
    '    <p class="report-link"><a href="{report_url}" rel="nofollow">{report}</a></p>\n'
    "  </div>\n"
)


def review_articles(reviews: Sequence[Mapping[str, Any]]) -> SafeString:
    """``reviews`` (rows of ``published_reviews``) as the page's ``<article>`` elements.

    Each gives the month and year it was published (never the day) with its average rating,
    its text, a link to report it, and the agency's reply unless there is none or it was
    removed. Empty for no reviews.
    """
    review_url = _url_with_pk("reports:review")
    reply_url = _url_with_pk("reports:reply")
    # The page's own words are trusted as the template's {% translate %} trusts them; the
    # values put into them are escaped.
    meta = _("%(month)s · rated %(rating)s / 5")
    report_review = _("Report this review")
    reply_heading = _("The agency's reply")
    report_reply = _("Report this reply")
    # Reviews share few months and few average ratings (quarter steps): format each once.
    months: dict[tuple[int, int], str] = {}
    ratings: dict[float, str] = {}
    timezone = get_current_timezone()
    articles = []
    for review in reviews:
        published = review["published_at"].astimezone(timezone)
        month = (published.year, published.month)
        if month not in months:
            months[month] = escape(date_format(published, "F Y"))
        rating = sum(review[name] for name in RATING_FIELDS) / len(RATING_FIELDS)
        if rating not in ratings:
            ratings[rating] = escape(floatformat(rating, 1))
        reply = ""
        if review["reply_pk"] is not None and review["reply_removed_at"] is None:
            reply = _REPLY.format(
                heading=reply_heading,
                text=_text_with_breaks(review["reply_text"]),
                report_url=escape(reply_url(review["reply_pk"])),
                report=report_reply,
            )
        articles.append(
            _REVIEW.format(
                meta=meta % {"month": months[month], "rating": ratings[rating]},
                text=_text_with_breaks(review["text"]),
                report_url=escape(review_url(review["pk"])),
                report=report_review,
                reply=reply,
            )
        )
    # Every value above is escaped; the markup is this module's own.
    return mark_safe("".join(articles))  # noqa: S308


def specialty_list(codes: Sequence[str]) -> str:
    """Names of the specialties ``codes`` in the active language, comma-separated; "—" for none."""
    labels = dict(SpecialtyCode.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes) or "—"
