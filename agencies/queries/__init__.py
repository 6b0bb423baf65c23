"""Reads about agencies.

- ``lookup``: search, would-be duplicates, merges followed (``follow_merges``) and the
  public lookups by slug.
- ``agency_page``: the agency page's statements, compiled once per process.
- ``comparison``: the compared agencies as plain values.
- ``marks``: a person's marks on agencies.
- ``scoring_inputs``: the events and ratings the scoring services read.

Every public name is importable from ``agencies.queries`` itself.
"""

from agencies.queries.agency_page import (
    PUBLIC_REVIEW_LIMIT,
    TREND_MONTHS,
    PublishedReview,
    SnapshotRow,
    listed_agency_page,
    published_reviews,
    score_snapshots,
)
from agencies.queries.comparison import COMPARISON_FIELDS, agencies_for_comparison
from agencies.queries.lookup import (
    AGENCY_SEARCH_LIMIT,
    MERGE_HOPS,
    AgencyDuplicates,
    agency_duplicates,
    agency_search,
    follow_merges,
    listed_agency_or_target,
    public_agency,
    search_matches,
)
from agencies.queries.marks import (
    MarkedAgency,
    agency_mark_for,
    agency_marks,
    agency_marks_standing_for,
)
from agencies.queries.scoring_inputs import (
    FETCH_ROWS,
    counted_events,
    counted_events_by_agency,
    probation_cutoff,
    published_ratings,
)

__all__ = [
    "AGENCY_SEARCH_LIMIT",
    "COMPARISON_FIELDS",
    "FETCH_ROWS",
    "MERGE_HOPS",
    "PUBLIC_REVIEW_LIMIT",
    "TREND_MONTHS",
    "AgencyDuplicates",
    "MarkedAgency",
    "PublishedReview",
    "SnapshotRow",
    "agencies_for_comparison",
    "agency_duplicates",
    "agency_mark_for",
    "agency_marks",
    "agency_marks_standing_for",
    "agency_search",
    "counted_events",
    "counted_events_by_agency",
    "follow_merges",
    "listed_agency_or_target",
    "listed_agency_page",
    "probation_cutoff",
    "public_agency",
    "published_ratings",
    "published_reviews",
    "score_snapshots",
    "search_matches",
]
