"""The agency page's published reviews, with the agency's replies, as ``<article>`` markup."""

import functools
from collections.abc import Sequence
from html import escape

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from agencies.display.formatting import _month_names, month_and_year
from agencies.queries import PublishedReview
from reviews.models import RATING_FIELDS


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
