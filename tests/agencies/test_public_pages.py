"""The public ranking and agency pages show scores honestly and never a candidate."""

import datetime
import re

import pytest
from django.utils import timezone

from agencies.models import Agency, ScoreSnapshot
from reviews.models import AgencyReply, ReviewStatus
from tests.factories import make_agency, make_engagement, make_review, make_score, make_user

pytestmark = pytest.mark.django_db


def names_in_order(page: str, *names: str) -> list[str]:
    """``names`` in the order they appear on ``page``."""
    return sorted(names, key=page.index)


AGENCY_FIELDS = ("country", "city", "specialties")


def ranked_agency(name: str, *, rank: int, score: float, **fields) -> Agency:
    """A listed agency with a score and a rank; other ``fields`` go to its score row."""
    agency = make_agency(
        name=name, **{key: fields.pop(key) for key in AGENCY_FIELDS if key in fields}
    )
    fields.setdefault("engagements", 12)
    make_score(agency=agency, score=score, rank=rank, **fields)
    return agency


def unranked_section(page: str) -> str:
    return page.split("Not enough data yet", 1)[1]


# Ranking


def test_the_ranking_lists_ranked_agencies_by_rank_and_the_others_apart(client):
    ranked_agency("Second Best", rank=2, score=70)
    ranked_agency("Top Talent", rank=1, score=81, score_low=74, score_high=88)
    newcomer = make_agency(name="Newcomer Recruiting")
    make_score(agency=newcomer, engagements=2)
    make_agency(name="Never Scored")
    page = client.get("/agencies/").content.decode()
    assert names_in_order(page, "Second Best", "Top Talent") == ["Top Talent", "Second Best"]
    assert "81 (74\N{EN DASH}88)" in page
    below = unranked_section(page)
    assert "Newcomer Recruiting" in below and "Never Scored" in below
    assert "Top Talent" not in below
    assert page.index("Second Best") < page.index("Not enough data yet")


def test_ranking_rows_show_evidence_reply_rate_rating_and_flags_in_plain_words(client):
    ranked_agency(
        "Flagged Ltd",
        rank=1,
        score=40,
        engagements=37,
        tallies={"reply_rate": (5, 7)},
        rating=3.5,
        flag_ghosting=True,
        flag_salary_fishing=True,
    )
    page = client.get("/agencies/").content.decode()
    assert "<td>37</td>" in page
    assert "71%" in page  # 5 of 7 messages answered in time
    assert "3.5 / 5" in page
    assert "Ghosts candidates" in page and "Salary fishing" in page
    assert "CV harvesting" not in page


def test_agency_names_in_the_ranking_link_to_their_page(client):
    agency = ranked_agency("Linked Partners", rank=1, score=60)
    page = client.get("/agencies/").content.decode()
    assert f'href="/agencies/{agency.slug}/"' in page


def test_the_ranking_filters_by_country_city_specialty_and_evidence(client):
    ranked_agency(
        "Leeds Tech", rank=1, score=80, country="GB", city="Leeds", specialties=["technology"]
    )
    ranked_agency(
        "Leeds Sales", rank=2, score=75, country="GB", city="Leeds", specialties=["sales"]
    )
    ranked_agency(
        "York Tech", rank=3, score=70, country="GB", city="York", specialties=["technology"]
    )
    ranked_agency(
        "Madrid Tech", rank=4, score=65, country="ES", city="Madrid", specialties=["technology"]
    )
    ranked_agency(
        "Thin Evidence",
        rank=5,
        score=60,
        country="GB",
        city="Leeds",
        specialties=["technology"],
        engagements=5,
    )

    page = client.get("/agencies/", {"country": "ES"}).content.decode()
    assert "Madrid Tech" in page and "Leeds Tech" not in page

    page = client.get("/agencies/", {"city": "leeds", "specialty": "technology"}).content.decode()
    assert "Leeds Tech" in page and "Thin Evidence" in page
    assert "Leeds Sales" not in page and "York Tech" not in page

    page = client.get(
        "/agencies/", {"city": "Leeds", "specialty": "technology", "min_evidence": 10}
    ).content.decode()
    assert "Leeds Tech" in page and "Thin Evidence" not in page


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("score", ["Best Score", "Fast Replier", "Never Ghosts"]),
        ("reply_rate", ["Fast Replier", "Best Score", "Never Ghosts"]),
        ("median_reply_days", ["Fast Replier", "Never Ghosts", "Best Score"]),
        ("ghosting_rate", ["Never Ghosts", "Best Score", "Fast Replier"]),
        ("rating", ["Never Ghosts", "Fast Replier", "Best Score"]),
    ],
)
def test_the_ranking_sorts_by_the_chosen_metric(client, sort, expected):
    ranked_agency(
        "Best Score",
        rank=1,
        score=80,
        reply_rate=0.7,
        median_reply_days=9,
        ghosting_rate=0.2,
        rating=3.0,
    )
    ranked_agency(
        "Fast Replier",
        rank=2,
        score=70,
        reply_rate=0.9,
        median_reply_days=1,
        ghosting_rate=0.3,
        rating=4.0,
    )
    ranked_agency(
        "Never Ghosts",
        rank=3,
        score=60,
        reply_rate=0.5,
        median_reply_days=4,
        ghosting_rate=0.0,
        rating=4.5,
    )
    page = client.get("/agencies/", {"sort": sort}).content.decode()
    assert names_in_order(page, *expected) == expected


def test_pagination_keeps_the_filters_and_the_sort(client):
    for number in range(55):
        ranked_agency(f"Spanish {number:02}", rank=number + 1, score=90 - number, country="ES")
    response = client.get("/agencies/", {"country": "ES", "sort": "rating"})
    page = response.content.decode()
    assert "Page 1 of 2" in page
    assert 'href="?country=ES&amp;sort=rating&amp;page=2"' in page
    second = client.get("/agencies/", {"country": "ES", "sort": "rating", "page": 2})
    assert "Page 2 of 2" in second.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"country": "XX"},
        {"country": "\x00"},
        {"city": "a\x00b"},
        {"city": "x" * 500},
        {"specialty": "astrology"},
        {"min_evidence": "lots"},
        {"min_evidence": "-3"},
        {"min_evidence": "9" * 40},
        {"sort": "name; DROP TABLE agencies_agency"},
        {"sort": ""},
        {"page": "-1"},
        {"page": "abc"},
    ],
)
def test_bad_filter_values_are_not_applied_and_never_fail(client, params):
    ranked_agency("Still Listed", rank=1, score=70)
    response = client.get("/agencies/", params)
    assert response.status_code == 200
    assert "Still Listed" in response.content.decode()


def test_a_bad_filter_value_is_shown_as_a_form_error(client):
    page = client.get("/agencies/", {"specialty": "astrology"}).content.decode()
    assert "Some filters were not applied" in page
    assert 'class="errorlist' in page


# Agency page


def test_the_agency_page_shows_each_metric_in_plain_words_with_its_evidence(client):
    agency = make_agency(
        name="Clear Metrics",
        country="GB",
        city="Leeds",
        specialties=["finance"],
        website="https://clear.example",
    )
    make_score(
        agency=agency,
        score=72.4,
        score_low=65,
        score_high=79,
        rank=3,
        engagements=40,
        tallies={
            "reply_rate": (89, 143),
            "ghosting_rate": (3, 30),
            "feedback_rate": (10, 20),
            "follow_up_rate": (1, 4),
            "cv_harvest_rate": (0, 12),
            "salary_fishing_rate": (1, 40),
        },
        median_reply_days=3,
        reply_delays={1: 40, 3: 30, 7: 19},
    )
    page = client.get(f"/agencies/{agency.slug}/").content.decode()
    assert "Clear Metrics" in page and "Leeds, United Kingdom" in page
    assert "Finance and accounting" in page and "https://clear.example" in page
    assert "72 (65\N{EN DASH}79)" in page and "ranked 3" in page
    assert "Replied within 14 days to 62% of candidates&#x27; messages" in page
    assert "143 messages" in page
    assert "Half of the replies came within 3 days" in page and "89 replies" in page
    assert "10% of candidates for more than 30 days" in page and "30 ended engagements" in page
    assert "Gave news within 21 days after 50% of interviews" in page and "20 interviews" in page
    assert "after 25% of rejections" in page and "4 rejections" in page
    assert "12 engagements with a CV" in page
    assert "in 2% of engagements" in page and "40 engagements" in page


def test_an_agency_without_enough_data_shows_no_score_and_no_rank(client):
    agency = make_agency(name="Too New")
    make_score(agency=agency, engagements=2, tallies={"reply_rate": (1, 2)})
    page = client.get(f"/agencies/{agency.slug}/").content.decode()
    assert "Not enough data yet" in page
    assert "ranked" not in page.lower().split("not enough data yet")[1].split("</section>")[0]
    assert "2 messages" in page


def test_an_agency_never_scored_has_a_page_too(client):
    agency = make_agency(name="Never Scored")
    response = client.get(f"/agencies/{agency.slug}/")
    assert response.status_code == 200
    assert "Not enough data yet" in response.content.decode()


def test_the_agency_page_says_what_triggered_each_flag(client):
    agency = make_agency(name="Ghostly Ltd")
    make_score(
        agency=agency,
        score=30,
        rank=9,
        engagements=20,
        tallies={"ghosting_rate": (12, 15), "cv_harvest_rate": (1, 10)},
        flag_ghosting=True,
    )
    page = client.get(f"/agencies/{agency.slug}/").content.decode()
    assert "Ghosts candidates" in page
    assert "12 of 15 ended engagements were ghosted" in page and "above 40%" in page
    assert "CV harvesting</span>" not in page


def test_a_merged_agency_redirects_permanently_to_its_target(client):
    target = make_agency(name="Kept Agency")
    duplicate = make_agency(name="Kept Agency Duplicate")
    Agency.objects.filter(pk=duplicate.pk).update(merged_into=target)
    response = client.get(f"/agencies/{duplicate.slug}/")
    assert response.status_code == 301
    assert response["Location"] == f"/agencies/{target.slug}/"


def test_unknown_and_inactive_agencies_are_not_found(client):
    hidden = make_agency(name="Closed Down")
    Agency.objects.filter(pk=hidden.pk).update(is_active=False)
    assert client.get(f"/agencies/{hidden.slug}/").status_code == 404
    assert client.get("/agencies/no-such-agency/").status_code == 404


def publish(review, when: datetime.datetime):
    review.status = ReviewStatus.PUBLISHED
    review.published_at = when
    review.save()
    return review


def test_reviews_show_the_month_and_year_only_and_never_the_candidate(client):
    agency = make_agency(name="Reviewed Agency")
    author = make_user(email="secret.candidate@example.com", first_name="Zebedee")
    review = make_review(
        engagement=make_engagement(agency=agency, candidate=author),
        text="They called back every time.",
    )
    publish(review, timezone.make_aware(datetime.datetime(2026, 3, 17, 10, 30)))
    AgencyReply.objects.create(review=review, text="Thank you for the kind words.")
    pending = make_review(engagement=make_engagement(agency=agency), text="Not moderated yet.")
    assert pending.status == ReviewStatus.PENDING
    page = client.get(f"/agencies/{agency.slug}/").content.decode()
    assert "They called back every time." in page
    assert "March 2026" in page
    assert "Thank you for the kind words." in page
    assert "Not moderated yet." not in page
    assert "secret.candidate" not in page and "Zebedee" not in page
    assert not re.search(r"\b17\b", page.split('id="reviews-heading"')[1])


@pytest.mark.parametrize("reviews", [1, 20])
def test_the_agency_page_runs_the_same_queries_whatever_the_number_of_reviews(
    client, django_assert_num_queries, reviews
):
    agency = make_agency(name="Busy Agency", specialties=["technology", "sales"])
    make_score(agency=agency, score=60, rank=1, engagements=reviews, tallies={"reply_rate": (1, 2)})
    for number in range(reviews):
        review = make_review(engagement=make_engagement(agency=agency))
        publish(review, timezone.now())
        if number % 2:
            AgencyReply.objects.create(review=review, text="Thanks.")
    for month in (1, 2, 3):
        ScoreSnapshot.objects.create(
            agency=agency, month=datetime.date(2026, month, 1), score=50 + month, engagements=9
        )
    # The agency with its score and specialties, its reviews with their replies, snapshots.
    with django_assert_num_queries(3):
        response = client.get(f"/agencies/{agency.slug}/")
    assert response.status_code == 200


def test_the_trend_chart_is_an_svg_with_a_table_of_its_values(client):
    agency = make_agency(name="Trending Agency")
    make_score(agency=agency, score=64, rank=2, engagements=30)
    for month, score in ((1, 55.2), (2, 60.4), (3, 63.9)):
        ScoreSnapshot.objects.create(
            agency=agency,
            month=datetime.date(2026, month, 1),
            score=score,
            score_low=score - 8,
            score_high=score + 8,
            engagements=20 + month,
        )
    page = client.get(f"/agencies/{agency.slug}/").content.decode()
    assert "<svg" in page and 'role="img"' in page and "<polyline" in page
    assert "Score over time" in page
    assert "January 2026" in page and "55 (47\N{EN DASH}63)" in page
    assert "March 2026" in page and "64 (56\N{EN DASH}72)" in page
    assert " style=" not in page and "<script" not in page


def test_one_snapshot_draws_no_chart(client):
    agency = make_agency(name="Just Started")
    ScoreSnapshot.objects.create(agency=agency, month=datetime.date(2026, 1, 1), score=50)
    page = client.get(f"/agencies/{agency.slug}/").content.decode()
    assert "<svg" not in page


def test_the_agency_page_charts_how_long_replies_took_with_a_table_of_the_same(client):
    agency = make_agency(name="Quick Replies")
    make_score(
        agency=agency,
        score=70,
        rank=1,
        engagements=12,
        median_reply_days=1,
        reply_delays={0: 6, 1: 3, 5: 2, 45: 1},
    )
    page = client.get(f"/agencies/{agency.slug}/").content.decode()
    chart = page.split('id="reply-times-heading"')[1].split("</section>")[0]
    assert "How long replies took" in page
    assert '<svg class="reply-times-chart"' in chart and 'role="img"' in chart
    assert "<title" in chart and "<desc" in chart and "12 replies counted" in chart
    # Every bar says its count and share in words; nothing relies on colour.
    for label, value in [
        ("Same day", "6 (50%)"),
        ("1\N{EN DASH}2 days", "3 (25%)"),
        ("3\N{EN DASH}7 days", "2 (17%)"),
        ("Over 30 days", "1 (8%)"),
    ]:
        assert f">{label}</text>" in chart and f">{value}</text>" in chart
        assert f"<tr><td>{label}</td>" in chart
    assert "The chart as a table" in chart
    assert " style=" not in page and "<script" not in page


@pytest.mark.parametrize("reply_delays", [{}, {3: 0}])
def test_an_agency_without_an_answered_message_has_no_reply_time_chart(client, reply_delays):
    agency = make_agency(name="Silent Agency")
    make_score(agency=agency, engagements=3, reply_delays=reply_delays)
    page = client.get(f"/agencies/{agency.slug}/").content.decode()
    assert "How long replies took" not in page
    assert "reply-times-chart" not in page


def test_an_agency_never_scored_has_no_reply_time_chart(client):
    agency = make_agency(name="Unscored Agency")
    assert "reply-times-chart" not in client.get(f"/agencies/{agency.slug}/").content.decode()


def test_the_charts_keep_svg_numbers_in_spanish(client):
    agency = make_agency(name="Decimal Agency")
    make_score(agency=agency, score=71.5, rank=1, engagements=9, reply_delays={"1": 3, "4": 1})
    for month, score in ((8, 60.25), (9, 65.75)):
        ScoreSnapshot.objects.create(
            agency=agency,
            month=datetime.date(2026, month, 1),
            score=score,
            score_low=score - 7.5,
            score_high=score + 7.5,
            engagements=9,
        )
    client.cookies["django_language"] = "es"
    page = client.get(f"/agencies/{agency.slug}/").content.decode()
    svgs = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert len(svgs) == 2
    for svg in svgs:
        # A decimal comma (cx="40,5") would make the browser drop the shape.
        assert not re.search(r'="\d+,\d+"', svg)
