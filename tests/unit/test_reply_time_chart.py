"""The reply-time chart puts every answered point in one bucket and labels each bar in words."""

# ruff: noqa: RUF001 - the bucket labels are ranges written with an en dash

from agencies.display import reply_time_chart


def evidence(**delays: int) -> dict:
    """Evidence JSON whose ``reply_delays`` maps days (``d3`` for 3 days) to answered points."""
    return {"reply_delays": {name.removeprefix("d"): count for name, count in delays.items()}}


def bars_by_label(chart) -> dict[str, tuple[int, int]]:
    return {bar.label: (bar.count, bar.percent) for bar in chart.bars}


def test_replies_fall_into_buckets_from_same_day_to_over_a_month():
    chart = reply_time_chart(
        evidence(d0=4, d1=1, d2=1, d3=2, d7=2, d8=1, d14=1, d15=3, d30=1, d31=2, d120=2)
    )
    assert bars_by_label(chart) == {
        "Same day": (4, 20),
        "1–2 days": (2, 10),
        "3–7 days": (4, 20),
        "8–14 days": (2, 10),
        "15–30 days": (4, 20),
        "Over 30 days": (4, 20),
    }
    assert chart.total == 20


def test_the_buckets_keep_their_order_and_empty_ones_still_show_zero():
    chart = reply_time_chart(evidence(d45=3))
    assert [bar.label for bar in chart.bars] == [
        "Same day",
        "1–2 days",
        "3–7 days",
        "8–14 days",
        "15–30 days",
        "Over 30 days",
    ]
    assert [bar.count for bar in chart.bars] == [0, 0, 0, 0, 0, 3]
    assert chart.bars[0].width == 0


def test_the_largest_bucket_fills_the_plot_and_the_others_are_in_proportion():
    chart = reply_time_chart(evidence(d0=10, d5=5))
    same_day, _, three_to_seven, *_ = chart.bars
    assert same_day.width == 2 * three_to_seven.width
    assert same_day.value_x <= chart.width - 40  # room left for its "10 (67%)" label
    assert three_to_seven.percent == 33


def test_bars_sit_in_rows_inside_the_drawing():
    chart = reply_time_chart(evidence(d0=1, d40=1))
    tops = [bar.y for bar in chart.bars]
    assert tops == sorted(tops)
    assert all(bar.y + chart.bar_height <= chart.height for bar in chart.bars)
    assert all(bar.y < bar.middle < bar.y + chart.bar_height for bar in chart.bars)


def test_no_answered_point_draws_no_chart():
    assert reply_time_chart(evidence()) is None
    assert reply_time_chart({}) is None
    assert reply_time_chart(None) is None
    assert reply_time_chart(evidence(d3=0)) is None


def test_integer_keys_count_as_well_as_the_stored_string_keys():
    assert bars_by_label(reply_time_chart({"reply_delays": {2: 1, "9": 1}}))["1–2 days"] == (1, 50)
