"""What drives an agency's score, in plain words, for its representatives' page.

Built from the score row's stored evidence only: counts of cases, never which engagement or
candidate a case came from.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agencies.models import AgencyScore
from agencies.scores import current_platform_rates, scoring_config
from agencies.scoring import Evidence, score_evidence
from agencies.scoring.drivers import Driver, score_drivers


@dataclass(frozen=True)
class DriverRow:
    """One metric: what went against the agency, the points it costs, and what would help."""

    metric: str
    name: str
    finding: str
    advice: str
    points_lost: float
    weight_percent: int


def _finding(driver: Driver) -> str:
    count, cases = driver.against, driver.cases
    if not cases:
        return _("Nothing counted yet: the average of all agencies stands in for it.")
    values = {"count": count, "cases": cases}
    match driver.metric:
        case "reply_rate":
            text = _(
                "Not answered within %(days)s days: %(count)s of %(cases)s applications, CVs, "
                "interviews and candidates' messages"
            )
            values["days"] = settings.SCORING_REPLY_WINDOW_DAYS
        case "ghosting_rate":
            text = ngettext(
                "%(count)s of %(cases)s ended engagement ended in silence",
                "%(count)s of %(cases)s ended engagements ended in silence",
                cases,
            )
        case "feedback_rate":
            text = ngettext(
                "%(count)s of %(cases)s interview was not followed by news within %(days)s days",
                "%(count)s of %(cases)s interviews were not followed by news within %(days)s days",
                cases,
            )
            values["days"] = settings.SCORING_FEEDBACK_WINDOW_DAYS
        case "follow_up_rate":
            text = ngettext(
                "%(count)s of %(cases)s rejection had no feedback or follow-up within %(days)s "
                "days",
                "%(count)s of %(cases)s rejections had no feedback or follow-up within %(days)s "
                "days",
                cases,
            )
            values["days"] = settings.SCORING_FOLLOW_UP_WINDOW_DAYS
        case "cv_harvest_rate":
            text = ngettext(
                "%(count)s of %(cases)s engagement with a CV led nowhere or to a role that was "
                "not real",
                "%(count)s of %(cases)s engagements with a CV led nowhere or to a role that was "
                "not real",
                cases,
            )
        case _:
            text = ngettext(
                "In %(count)s of %(cases)s engagement pay was asked before the role was described",
                "In %(count)s of %(cases)s engagements pay was asked before the role was described",
                cases,
            )
    return text % values


def _advice(metric: str) -> str:
    match metric:
        case "reply_rate":
            return _(
                "Answer every application, CV, interview and message within %(days)s days, even "
                "if only to say there is no news."
            ) % {"days": settings.SCORING_REPLY_WINDOW_DAYS}
        case "ghosting_rate":
            return _("Close every process with a word: a rejection counts better than silence.")
        case "feedback_rate":
            return _("Give news within %(days)s days of each interview.") % {
                "days": settings.SCORING_FEEDBACK_WINDOW_DAYS
            }
        case "follow_up_rate":
            return _("After a rejection, send feedback or get back in touch with another role.")
        case "cv_harvest_rate":
            return _("Ask for a CV only for a real role, and put the profile forward or say no.")
        case _:
            return _("Describe the role and its pay band before asking about salary.")


def _name(metric: str) -> str:
    # The same words as the public page's metric table (agencies/display/).
    return {
        "reply_rate": _("Reply rate"),
        "ghosting_rate": _("Ghosting rate"),
        "feedback_rate": _("Feedback rate"),
        "follow_up_rate": _("Follow-up rate"),
        "cv_harvest_rate": _("CV harvesting"),
        "salary_fishing_rate": _("Salary fishing"),
    }[metric]


def driver_rows(score: AgencyScore | None) -> list[DriverRow]:
    """The metrics by the points they cost the agency, largest first; empty without evidence.

    One query (the platform-wide rates the score is shrunk toward).
    """
    if score is None or not score.evidence:
        return []
    try:
        evidence = Evidence.from_json(score.evidence)
    except (KeyError, TypeError, ValueError):  # a row from before the evidence had this shape
        return []
    if not evidence.engagements:
        return []
    config = scoring_config()
    result = score_evidence(evidence, platform=current_platform_rates(config), config=config)
    return [
        DriverRow(
            metric=driver.metric,
            name=_name(driver.metric),
            finding=_finding(driver),
            advice=_advice(driver.metric),
            points_lost=round(driver.points_lost, 1),
            weight_percent=round(100 * config.weights[driver.metric]),
        )
        for driver in score_drivers(evidence, result.estimates, config)
    ]
