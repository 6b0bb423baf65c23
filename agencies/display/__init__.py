"""What the public pages show about an agency, in plain words and ready-made markup.

- ``metrics``: the score row's metrics, the score panel's sentences and the raised flags.
- ``charts``: the score trend and the reply-time chart.
- ``reviews``: the published reviews as ``<article>`` elements.
- ``formatting``: numbers, month names and specialty names.

Every public name is importable from ``agencies.display`` itself.
"""

from agencies.display.charts import (
    BARS_HEIGHT,
    BARS_LABEL_RIGHT,
    BARS_LEFT,
    BARS_ROW,
    BARS_TOP,
    BARS_VALUE_SPACE,
    BARS_WIDTH,
    CHART_BOTTOM,
    CHART_HEIGHT,
    CHART_LEFT,
    CHART_RIGHT,
    CHART_TOP,
    CHART_WIDTH,
    REPLY_TIME_BUCKETS,
    ReplyTimeBar,
    ReplyTimeChart,
    TrendChart,
    TrendPoint,
    reply_time_chart,
    trend_chart,
)
from agencies.display.formatting import month_and_year, specialty_list, whole_number
from agencies.display.metrics import (
    FlagRow,
    MetricRow,
    MetricRows,
    ScoreWords,
    flag_badges,
    flag_rows,
    metric_rows,
    score_words,
)
from agencies.display.reviews import review_articles

__all__ = [
    "BARS_HEIGHT",
    "BARS_LABEL_RIGHT",
    "BARS_LEFT",
    "BARS_ROW",
    "BARS_TOP",
    "BARS_VALUE_SPACE",
    "BARS_WIDTH",
    "CHART_BOTTOM",
    "CHART_HEIGHT",
    "CHART_LEFT",
    "CHART_RIGHT",
    "CHART_TOP",
    "CHART_WIDTH",
    "REPLY_TIME_BUCKETS",
    "FlagRow",
    "MetricRow",
    "MetricRows",
    "ReplyTimeBar",
    "ReplyTimeChart",
    "ScoreWords",
    "TrendChart",
    "TrendPoint",
    "flag_badges",
    "flag_rows",
    "metric_rows",
    "month_and_year",
    "reply_time_chart",
    "review_articles",
    "score_words",
    "specialty_list",
    "trend_chart",
    "whole_number",
]
