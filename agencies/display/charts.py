"""The agency page's charts: its monthly score trend and its replies by reply time.

Each is ready for its SVG template, with its repeated shapes, its table's rows and its
description put together here (numbers as Python writes them, words escaped).
"""

import datetime
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, NamedTuple

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from agencies.display.formatting import _month_names, _percent, month_and_year
from agencies.queries import SnapshotRow


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
