"""An agency's score row in plain words, as the public pages show it (docs/scoring.md)."""

import datetime
import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, NamedTuple

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from agencies.models import AgencyScore, SpecialtyCode
from agencies.queries import PublishedReview, SnapshotRow
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
    answered = sum(map(int, delays.values()))
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


# A metric's row of agencies/_metrics_table.html: printed through the template engine, a loop
# of three variables a row cost the agency page about 0.05 ms.
_METRIC_ROW = (
    "      <tr>\n"
    '        <th scope="row">{name}</th>\n'
    "        <td>{sentence}</td>\n"
    "        <td>{evidence}</td>\n"
    "      </tr>\n"
)


class MetricRows(list[MetricRow]):
    """The metrics in the order the pages show them, and their table's rows as markup."""

    @property
    def table_rows(self) -> SafeString:
        """Each metric as a ``<tr>`` of agencies/_metrics_table.html, its words escaped."""
        return mark_safe(  # noqa: S308 - every value is escaped; the markup is this module's own
            "".join(
                _METRIC_ROW.format(
                    name=escape(row.name),
                    sentence=escape(row.sentence),
                    evidence=escape(row.evidence),
                )
                for row in self
            )
        )


def metric_rows(score: AgencyScore | None) -> MetricRows:
    """Each metric of ``score`` in plain words with its evidence count; empty without a row."""
    if score is None:
        return MetricRows()
    evidence = score.evidence or {}
    return MetricRows(
        [
            _reply_row(evidence),
            _median_row(score),
            _ghosting_row(evidence),
            _feedback_row(evidence),
            _follow_up_row(evidence),
            _cv_harvest_row(evidence),
            _salary_fishing_row(evidence),
        ]
    )


def whole_number(value: float | None) -> str:
    """``value|floatformat:0`` for scores (0 to 100): rounded half up, never grouped.

    A float's fraction after its whole part is exact, and is a half or more exactly when its
    shortest decimal form (what floatformat rounds) is. Negative values, which scores never
    take, are left to floatformat itself.
    """
    if value is None or value < 0:
        return floatformat(value, 0)
    whole = math.floor(value)
    return str(whole + 1 if value - whole >= 0.5 else whole)


class ScoreWords(NamedTuple):
    """The agency page's sentences about a score row, values escaped (agencies/detail.html).

    The words are the page's own, trusted as its ``{% blocktranslate %}`` trusted them:
    putting these four sentences together through template tags cost the page 0.1 ms.
    """

    score_range: SafeString  # "79 (78–80)", as agencies/_score.html words it  # noqa: RUF003
    rank: SafeString  # "ranked 216"; empty without a rank
    evidence: SafeString  # "From 5351 counted experiences. The range shows…"
    rating: SafeString  # "Rated 2.9 / 5 in 326 published reviews."; empty without a rating


def score_words(score: AgencyScore | None) -> ScoreWords | None:
    """The sentences of the agency page's score panel for ``score``; None without a row."""
    if score is None:
        return None
    if score.score is None:
        score_range = _("Not enough data yet")
    else:
        score_range = _("%(score)s (%(low)s–%(high)s)") % {  # noqa: RUF001 (en dash)
            "score": whole_number(score.score),
            "low": whole_number(score.score_low),
            "high": whole_number(score.score_high),
        }
    rank = "" if score.rank is None else _("ranked %(rank)s") % {"rank": score.rank}
    evidence = ngettext(
        "From %(counter)s counted experience. The range shows where the score lies with 90%% "
        "certainty.",
        "From %(counter)s counted experiences. The range shows where the score lies with 90%% "
        "certainty.",
        score.engagements,
    ) % {"counter": score.engagements}
    rating = ""
    if score.rating is not None:
        rating = ngettext(
            "Rated %(rating)s / 5 in %(counter)s published review.",
            "Rated %(rating)s / 5 in %(counter)s published reviews.",
            score.rating_count,
        ) % {"rating": escape(floatformat(score.rating, 1)), "counter": score.rating_count}
    # Every value is a number or escaped.
    return ScoreWords(*map(mark_safe, (score_range, rank, evidence, rating)))


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


class TrendPoint(NamedTuple):
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
    description: SafeString  # the chart in words, for its SVG <desc>


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


def _trend_y(value: float) -> float:
    """The SVG y of a score of ``value`` on the trend chart."""
    return round(CHART_TOP + (CHART_HEIGHT - CHART_TOP - CHART_BOTTOM) * (1 - value / 100), 1)


_TREND_GRIDLINES = [(value, _trend_y(value)) for value in (0, 25, 50, 75, 100)]
# The same for every chart: numbers only.
_TREND_GRIDLINE_MARKS = "".join(
    _GRIDLINE.format(
        left=CHART_LEFT,
        right=CHART_WIDTH - CHART_RIGHT,
        y=y,
        label_x=CHART_LEFT - 6,
        score=value,
    )
    for value, y in _TREND_GRIDLINES
)


@functools.cache
def _month_names(language: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The months' names ("March") and short names ("Mar") in ``language``, the active one.

    Looked up once per language and process: formatting every month of the trend chart and
    of the reviews through ``date_format`` cost the agency page a fifth of a millisecond.
    """
    firsts = [datetime.date(2000, month, 1) for month in range(1, 13)]
    return (
        tuple(date_format(first, "F") for first in firsts),
        tuple(date_format(first, "M") for first in firsts),
    )


def month_and_year(day: datetime.date, names: Sequence[str]) -> str:
    """``date_format(day, "F Y")`` ("March 2026") with ``names`` from ``_month_names``."""
    return f"{names[day.month - 1]} {day.year:04d}"


def trend_chart(snapshots: Sequence[SnapshotRow]) -> TrendChart | None:
    """The chart of ``snapshots`` (oldest first, each with a score); None with fewer than two."""
    if len(snapshots) < 2:
        return None
    names, short_names = _month_names(get_language())
    step = (CHART_WIDTH - CHART_LEFT - CHART_RIGHT) / (len(snapshots) - 1)
    score_range = _("%(score)s (%(low)s–%(high)s)")  # noqa: RUF001 (en dash)
    points = []
    for index, (month, score, low, high) in enumerate(snapshots):
        shown = round(score)
        low = shown if low is None else round(low)
        high = shown if high is None else round(high)
        points.append(
            TrendPoint(
                month,
                shown,
                low,
                high,
                round(CHART_LEFT + index * step, 1),
                _trend_y(score),
                month_and_year(month, names),
                score_range % {"score": shown, "low": low, "high": high},
            )
        )
    upper = [f"{p.x},{_trend_y(p.high)}" for p in points]
    lower = [f"{p.x},{_trend_y(p.low)}" for p in reversed(points)]
    marks = [_DOT.format(x=p.x, y=p.y) for p in points]
    # The first and last months are named under the axis, the first at its start.
    for index, anchor in ((0, "start"), (-1, "end")):
        month = points[index].month
        marks[index] += _MONTH_LABEL.format(
            x=points[index].x,
            y=CHART_HEIGHT - 8,
            anchor=anchor,
            month=escape(f"{short_names[month.month - 1]} {month.year:04d}"),
        )
    description = _("Scores month by month since %(first)s; the table below gives each value.")
    # Every value filled in is a number or escaped; the markup and words are this module's own.
    return TrendChart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        points=points,
        line=" ".join(f"{p.x},{p.y}" for p in points),
        band=" ".join(upper + lower),
        gridlines=_TREND_GRIDLINES,
        left=CHART_LEFT,
        right=CHART_WIDTH - CHART_RIGHT,
        gridline_marks=mark_safe(_TREND_GRIDLINE_MARKS),  # noqa: S308
        point_marks=mark_safe("".join(marks)),  # noqa: S308
        table_rows=mark_safe(  # noqa: S308
            "".join(
                _TREND_ROW.format(month=escape(p.month_name), score=escape(p.range_label))
                for p in points
            )
        ),
        description=mark_safe(description % {"first": escape(points[0].month_name)}),  # noqa: S308
    )


class ReplyTimeBar(NamedTuple):
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
    description: SafeString  # the chart in words, for its SVG <desc>


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


# The bucket of each delay up to the last bucket's first day; longer delays are in the last.
_BUCKET_OF_DAY = tuple(
    next(
        index
        for index, (_first, last) in enumerate(REPLY_TIME_BUCKETS)
        if last is None or day <= last
    )
    for day in range(REPLY_TIME_BUCKETS[-1][0] + 1)
)


@functools.cache
def _bucket_labels(language: str | None) -> tuple[str, ...]:
    """Each bucket's words in ``language``, the active one: "Same day" first."""
    labels = []
    for first, last in REPLY_TIME_BUCKETS:
        if last is None:
            labels.append(_("Over %(days)s days") % {"days": first - 1})
        elif last == 0:
            labels.append(_("Same day"))
        else:
            labels.append(_("%(first)s–%(last)s days") % {"first": first, "last": last})  # noqa: RUF001 (en dash)
    return tuple(labels)


def reply_time_chart(evidence: Mapping[str, Any] | None) -> ReplyTimeChart | None:
    """Answered points by reply time in buckets, from a score row's evidence JSON.

    Its ``reply_delays`` maps a delay in whole days (a string key) to how many answered
    points took that long. None when no point was answered.
    """
    counts = [0] * len(REPLY_TIME_BUCKETS)
    longest = len(_BUCKET_OF_DAY) - 1
    for delay, count in ((evidence or {}).get("reply_delays") or {}).items():
        number = int(count)
        if number > 0:
            counts[_BUCKET_OF_DAY[min(max(int(delay), 0), longest)]] += number
    total = sum(counts)
    if not total:
        return None
    plot_width = BARS_WIDTH - BARS_LEFT - BARS_VALUE_SPACE
    largest = max(counts)
    value_label = _("%(count)s (%(percent)s%%)")
    bars = []
    for index, (label, count) in enumerate(
        zip(_bucket_labels(get_language()), counts, strict=True)
    ):
        width = round(plot_width * count / largest, 1)
        top = BARS_TOP + index * BARS_ROW
        percent = _percent(count, total)
        bars.append(
            ReplyTimeBar(
                label=label,
                count=count,
                percent=percent,
                y=top + (BARS_ROW - BARS_HEIGHT) / 2,
                middle=top + BARS_ROW / 2,
                width=width,
                value_x=round(BARS_LEFT + width + 6, 1),
                value_label=value_label % {"count": count, "percent": percent},
            )
        )
    # Every value filled in is a number or escaped; the markup and words are this module's own.
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
        description=mark_safe(  # noqa: S308
            ngettext(
                "%(counter)s reply counted; each bar is labelled with its count and share, and "
                "the table below gives each value.",
                "%(counter)s replies counted; each bar is labelled with its count and share, and "
                "the table below gives each value.",
                total,
            )
            % {"counter": total}
        ),
    )


@functools.lru_cache(maxsize=16)
def _url_parts(name: str, prefix: str, urlconf: str) -> tuple[str, str]:
    """The URL named ``name`` in ``urlconf`` around its pk, escaped, under ``prefix``."""
    # Reversing once with a placeholder pk and substituting keeps the URLconf the only place
    # that spells these addresses; they depend on nothing but the code and the prefix.
    head, _zero, tail = reverse(name, urlconf, kwargs={"pk": 0}).rpartition("/0/")
    return escape(head), escape(tail)


def _url_with_pk(name: str):
    """A function giving the URL named ``name`` for a pk, escaped."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    head, tail = _url_parts(name, get_script_prefix(), urlconf)
    return lambda pk: f"{head}/{int(pk)}/{tail}"  # a pk is a number: nothing to escape


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


@functools.lru_cache(maxsize=64)
def _one_decimal(rating: float, language: str | None) -> str:
    """``rating|floatformat:1``, escaped, in ``language`` (the active one): "4.3", "4,3".

    An average of the four ratings is one of 17 quarter steps from 1 to 5: each is
    formatted once per language and process.
    """
    return escape(floatformat(rating, 1))


def review_articles(reviews: Sequence[PublishedReview]) -> SafeString:
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
    language = get_language()
    names = _month_names(language)[0]
    # Reviews share few months and few average ratings (quarter steps): each month is
    # formatted once, and each meta line put together once.
    months: dict[tuple[int, int], str] = {}
    metas: dict[tuple[int, int, float], str] = {}
    timezone = get_current_timezone()
    articles = []
    for review in reviews:
        published = review.published_at.astimezone(timezone)
        rating = (
            review.rating_communication
            + review.rating_honesty
            + review.rating_feedback
            + review.rating_respect
        ) / len(RATING_FIELDS)
        key = (published.year, published.month, rating)
        line = metas.get(key)
        if line is None:
            month = key[:2]
            if month not in months:
                months[month] = escape(month_and_year(published, names))
            line = metas[key] = meta % {
                "month": months[month],
                "rating": _one_decimal(rating, language),
            }
        reply = ""
        if review.reply_pk is not None and review.reply_removed_at is None:
            reply = _REPLY.format(
                heading=reply_heading,
                text=_text_with_breaks(review.reply_text),
                report_url=reply_url(review.reply_pk),
                report=report_reply,
            )
        articles.append(
            _REVIEW.format(
                meta=line,
                text=_text_with_breaks(review.text),
                report_url=review_url(review.pk),
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
