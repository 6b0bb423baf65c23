"""The comparison's read: the compared agencies, merges followed, as plain values."""

from collections.abc import Sequence

from django.db.models import Q

from agencies.models import Agency
from agencies.queries.lookup import MERGE_HOPS

# What the comparison shows of each agency, read as plain values with its score and its
# specialty codes: building model instances three merge levels deep, and prefetching, took
# most of the page's time.
COMPARISON_FIELDS = (
    "pk",
    "slug",
    "name",
    "country",
    "city",
    "is_active",
    "merged_into_id",
    "score__engagements",
    "score__score",
    "score__score_low",
    "score__score_high",
    "score__rank",
    "score__reply_rate",
    "score__median_reply_days",
    "score__ghosting_rate",
    "score__feedback_rate",
    "score__follow_up_rate",
    "score__cv_harvest_rate",
    "score__salary_fishing_rate",
    "score__rating",
    "score__flag_ghosting",
    "score__flag_cv_harvesting",
    "score__flag_salary_fishing",
    "specialty_codes",
)


def _compared_agencies(matching: Q) -> dict[int, dict]:
    """Id → COMPARISON_FIELDS of the agencies ``matching``, ``specialty_codes`` in code order."""
    agencies: dict[int, dict] = {}
    for row in Agency.objects.filter(matching).order_by().values(*COMPARISON_FIELDS):
        codes = row["specialty_codes"]
        agencies[row["pk"]] = {**row, "specialty_codes": codes.split(",") if codes else []}
    return agencies


def agencies_for_comparison(slugs: Sequence[str]) -> dict[str, dict]:
    """Slug → the listed agency it names (merges followed), as COMPARISON_FIELDS values.

    Score fields are None for an agency without a score row; ``specialty_codes`` lists its
    specialties in code order. Unknown and hidden slugs are left out. One query, and a
    second one only when a slug names a merged agency.
    """
    if not slugs:
        return {}
    named = _compared_agencies(Q(slug__in=list(slugs)))
    by_pk = dict(named)
    merged_into = {agency["merged_into_id"] for agency in named.values()} - {None}
    if merged_into:
        # The agencies they were merged into, and those these were merged into in turn:
        # MERGE_HOPS (two) hops.
        further = Agency.objects.filter(pk__in=merged_into).values("merged_into_id")
        by_pk.update(_compared_agencies(Q(pk__in=merged_into) | Q(pk__in=further)))
    resolved = {}
    for agency in named.values():
        target: dict | None = agency
        for _hop in range(MERGE_HOPS):
            if target is not None and target["merged_into_id"] is not None:
                target = by_pk.get(target["merged_into_id"])
        if target is not None and target["merged_into_id"] is None and target["is_active"]:
            resolved[agency["slug"]] = target
    return resolved
