"""An agency's score row in plain words, as the public pages show it (docs/scoring.md).

Its metrics with their evidence, the score panel's sentences and its raised flags.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any, NamedTuple

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.display.formatting import _percent, whole_number
from agencies.models import AgencyScore
from agencies.scoring import DEFAULT_CONFIG


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
