"""A person's marks on agencies (their private lists), merges followed."""

from dataclasses import dataclass

from django.db.models import Case, Q, QuerySet, When

from agencies.models import Agency, AgencyMark
from agencies.queries.lookup import follow_merges


def agency_marks_standing_for(user, agency: Agency) -> QuerySet[AgencyMark]:
    """``user``'s marks on ``agency`` or on agencies merged into it, the agency's own first."""
    return (
        AgencyMark.objects.filter(user=user)
        .filter(
            Q(agency=agency)
            | Q(agency__merged_into=agency)
            | Q(agency__merged_into__merged_into=agency)
        )
        .order_by(Case(When(agency=agency, then=0), default=1), "-marked_at", "-pk")
    )


def agency_mark_for(user, agency: Agency) -> AgencyMark | None:
    """``user``'s mark on ``agency`` (or on a duplicate merged into it); None if none. One query."""
    return agency_marks_standing_for(user, agency).first()


@dataclass(frozen=True)
class MarkedAgency:
    """One mark of a person's list with the agency it stands for now and that one's score."""

    mark: AgencyMark
    agency: Agency  # the agency it was merged into, if any; the marked one when no longer listed
    listed: bool
    score_now: float | None


def agency_marks(user, verdict: str | None = None) -> list[MarkedAgency]:
    """``user``'s marks (of one ``verdict`` when given), latest verdict first; one query.

    Each comes with the agency it stands for now (merges followed) and its current score.
    """
    marks = AgencyMark.objects.filter(user=user)
    if verdict:
        marks = marks.filter(verdict=verdict)
    marks = marks.select_related(
        "agency__score", "agency__merged_into__score", "agency__merged_into__merged_into__score"
    ).order_by("-marked_at", "-pk")
    result = []
    for mark in marks:
        target = follow_merges(mark.agency)
        agency = target or mark.agency
        score = getattr(agency, "score", None)
        result.append(
            MarkedAgency(
                mark=mark,
                agency=agency,
                listed=target is not None,
                score_now=None if score is None else score.score,
            )
        )
    return result
