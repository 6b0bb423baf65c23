"""The agency page prints each review's own words as plain text, line breaks kept, in any language.

The reviews' markup is put together in Python (agencies/display/, review_articles), so these
tests pin what the template's ``linebreaksbr`` used to guarantee.
"""

import datetime

import pytest
from django.utils import timezone

from reviews.models import AgencyReply, Review, ReviewStatus
from tests.factories import make_agency, make_engagement, make_review

pytestmark = pytest.mark.django_db

HOSTILE_REVIEW = 'Fine <b>at first</b> & "polite".\r\nThen silence.\rNo <script>alert(1)</script>'
HOSTILE_REPLY = "We <i>did</i> call back.\nTwice & more."


def published_review(agency, text: str, *, published_at: datetime.datetime) -> Review:
    """A published review of ``agency`` rated 5, 5, 4 and 4 (4.5 on average)."""
    review = make_review(engagement=make_engagement(agency=agency), rating=4, text=text)
    Review.objects.filter(pk=review.pk).update(
        status=ReviewStatus.PUBLISHED,
        published_at=published_at,
        rating_communication=5,
        rating_honesty=5,
    )
    return review


@pytest.fixture
def reviewed_agency():
    """An agency with a hostile review and reply, and an older review whose reply was removed."""
    agency = make_agency(name="Escaped Agency")
    review = published_review(
        agency,
        HOSTILE_REVIEW,
        published_at=timezone.make_aware(datetime.datetime(2026, 3, 17, 10, 30)),
    )
    reply = AgencyReply.objects.create(review=review, text=HOSTILE_REPLY)
    older = published_review(
        agency,
        "Quiet review.",
        published_at=timezone.make_aware(datetime.datetime(2026, 1, 9, 8, 0)),
    )
    AgencyReply.objects.create(review=older, text="Removed reply.", removed_at=timezone.now())
    return agency, review, reply


def reviews_section(client, agency, language: str) -> str:
    client.cookies["django_language"] = language
    page = client.get(f"/agencies/{agency.slug}/").content.decode()
    return page.split('id="reviews-heading"')[1].split("</section>")[0]


@pytest.mark.parametrize(
    ("language", "meta", "report_review", "reply_heading", "report_reply"),
    [
        (
            "en",
            "March 2026 · rated 4.5 / 5",
            "Report this review",
            "The agency's reply",
            "Report this reply",
        ),
        (
            "es",
            "marzo 2026 · valorada con 4,5 / 5",
            "Denunciar esta reseña",
            "La respuesta de la agencia",
            "Denunciar esta respuesta",
        ),
    ],
)
def test_review_and_reply_text_is_escaped_with_its_line_breaks_in_english_and_spanish(
    client, reviewed_agency, language, meta, report_review, reply_heading, report_reply
):
    agency, review, reply = reviewed_agency
    section = reviews_section(client, agency, language)
    assert (
        '<article class="panel review">\n'
        f'  <p class="muted">{meta}</p>\n'
        "  <p>Fine &lt;b&gt;at first&lt;/b&gt; &amp; &quot;polite&quot;.<br>Then silence.<br>"
        "No &lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
        f'  <p class="report-link"><a href="/reports/reviews/{review.pk}/" rel="nofollow">'
        f"{report_review}</a></p>\n"
        '  <div class="agency-reply">\n'
        f"    <h3>{reply_heading}</h3>\n"
        "    <p>We &lt;i&gt;did&lt;/i&gt; call back.<br>Twice &amp; more.</p>\n"
        f'    <p class="report-link"><a href="/reports/replies/{reply.pk}/" rel="nofollow">'
        f"{report_reply}</a></p>\n"
        "  </div>\n"
        "</article>\n"
    ) in section
    assert "<script>" not in section and "<b>" not in section and "<i>" not in section


def test_newest_review_comes_first_and_a_removed_reply_is_not_shown(client, reviewed_agency):
    agency, _review, _reply = reviewed_agency
    section = reviews_section(client, agency, "en")
    assert section.index("Then silence.") < section.index("Quiet review.")
    assert section.count('<div class="agency-reply">') == 1
    assert "Removed reply." not in section


def test_an_agency_without_published_reviews_says_so(client):
    agency = make_agency(name="Unreviewed Agency")
    make_review(engagement=make_engagement(agency=agency), text="Still pending.")
    section = reviews_section(client, agency, "en")
    assert "No published review yet." in section
    assert "Still pending." not in section and "<article" not in section
