"""The comparison's rules: which slugs a URL asks for, and which value of each row is best."""

from decimal import Decimal

from agencies.compare import (
    MAX_SLUGS_READ,
    MEASURE_OF,
    AgencyFacts,
    best_positions,
    comparison_query,
    comparison_rows,
    requested_slugs,
    shown_value,
    with_slug,
    without_slug,
)


def agency(slug: str, *, ranked: bool = True, **values) -> AgencyFacts:
    return AgencyFacts(slug=slug, name=slug.title(), ranked=ranked, **values)


def row(rows, key):
    return next(r for r in rows if r.key == key)


def best_slugs(rows, key, agencies) -> list[str]:
    return [a.slug for a, cell in zip(agencies, row(rows, key).cells, strict=True) if cell.best]


# Which agencies the URL asks for


def test_slugs_come_comma_separated_or_repeated_in_order_without_repeats_or_blanks():
    wanted = requested_slugs(["acme, blue-fox,,acme", "zeta", " ", "blue-fox"])
    assert wanted.slugs == ("acme", "blue-fox", "zeta")
    assert wanted.ignored == 0


def test_no_parameter_asks_for_nothing():
    assert requested_slugs([]).slugs == ()
    assert requested_slugs([""]).slugs == ()


def test_a_pasted_flood_of_slugs_is_read_only_up_to_a_bound():
    wanted = requested_slugs([",".join(f"agency-{n}" for n in range(MAX_SLUGS_READ + 5))])
    assert len(wanted.slugs) == MAX_SLUGS_READ
    assert wanted.ignored == 5


def test_an_absurdly_long_slug_is_cut_to_the_longest_a_slug_can_be():
    [slug] = requested_slugs(["x" * 10_000]).slugs
    assert len(slug) == 220


def test_the_canonical_query_is_the_slugs_joined_by_commas():
    assert comparison_query(["acme", "blue-fox", "acme"]) == "acme,blue-fox"


def test_adding_and_removing_an_agency_keeps_the_others_in_order():
    assert with_slug(("acme", "zeta"), "blue") == ("acme", "zeta", "blue")
    assert with_slug(("acme", "zeta"), "acme") == ("acme", "zeta")
    assert without_slug(("acme", "zeta", "blue"), "zeta") == ("acme", "blue")


# Which value is best


def test_higher_is_best_for_rates_of_good_behaviour_and_lower_for_bad_ones():
    values = [Decimal(40), Decimal(90), Decimal(60)]
    assert best_positions(values, higher_is_better=True) == {1}
    assert best_positions(values, higher_is_better=False) == {0}


def test_every_tied_best_value_is_marked():
    values = [Decimal(90), Decimal(40), Decimal(90)]
    assert best_positions(values, higher_is_better=True) == {0, 2}


def test_a_single_value_is_the_best_of_its_row_and_no_value_marks_nothing():
    assert best_positions([None, Decimal(3), None], higher_is_better=False) == {1}
    assert best_positions([None, None], higher_is_better=True) == set()


def test_rows_mark_the_best_agency_in_the_right_direction_for_each_metric():
    agencies = [
        agency(
            "acme",
            score=80,
            rank=1,
            reply_rate=0.9,
            median_reply_days=4.0,
            ghosting_rate=0.3,
            feedback_rate=0.2,
            follow_up_rate=0.1,
            cv_harvest_rate=0.5,
            salary_fishing_rate=0.0,
            rating=3.0,
        ),
        agency(
            "blue",
            score=60,
            rank=7,
            reply_rate=0.5,
            median_reply_days=1.5,
            ghosting_rate=0.1,
            feedback_rate=0.7,
            follow_up_rate=0.6,
            cv_harvest_rate=0.2,
            salary_fishing_rate=0.4,
            rating=4.5,
        ),
    ]
    rows = comparison_rows(agencies)
    expected = {
        "score": ["acme"],
        "rank": ["acme"],
        "reply_rate": ["acme"],
        "median_reply_days": ["blue"],
        "ghosting_rate": ["blue"],
        "feedback_rate": ["blue"],
        "follow_up_rate": ["blue"],
        "cv_harvest_rate": ["blue"],
        "salary_fishing_rate": ["acme"],
        "rating": ["blue"],
    }
    assert {key: best_slugs(rows, key, agencies) for key in expected} == expected


def test_values_that_show_the_same_are_a_tie():
    agencies = [agency("acme", reply_rate=0.7120), agency("blue", reply_rate=0.7140)]
    rows = comparison_rows(agencies)
    assert [cell.shown for cell in row(rows, "reply_rate").cells] == [Decimal(71), Decimal(71)]
    assert best_slugs(rows, "reply_rate", agencies) == ["acme", "blue"]


def test_values_are_rounded_half_up_as_the_pages_show_them():
    assert shown_value(0.705, MEASURE_OF["reply_rate"]) == Decimal(71)
    assert shown_value(2.25, MEASURE_OF["median_reply_days"]) == Decimal("2.3")
    assert shown_value(72.5, MEASURE_OF["score"]) == Decimal(73)
    assert shown_value(None, MEASURE_OF["rating"]) is None


def test_an_agency_without_enough_data_has_no_score_or_rank_and_never_wins_a_row():
    thin = agency("thin", ranked=False, score=95, rank=None, reply_rate=1.0, ghosting_rate=0.0)
    solid = agency("solid", score=70, rank=3, reply_rate=0.8, ghosting_rate=0.2)
    rows = comparison_rows([thin, solid])
    assert row(rows, "score").cells[0].shown is None
    assert row(rows, "rank").cells[0].shown is None
    # Its perfect reply rate is shown, but one lucky engagement is not evidence.
    assert row(rows, "reply_rate").cells[0].shown == Decimal(100)
    assert best_slugs(rows, "reply_rate", [thin, solid]) == ["solid"]
    assert best_slugs(rows, "ghosting_rate", [thin, solid]) == ["solid"]


def test_a_row_where_nobody_has_a_value_marks_nothing():
    rows = comparison_rows([agency("acme"), agency("blue")])
    assert not any(r.has_best for r in rows)
