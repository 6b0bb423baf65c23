"""Finding listed agencies: search by name or domain, would-be duplicates, merges followed.

A merged agency is never shown: each lookup here answers with the agency it was merged into
(``MERGE_HOPS`` deep), or nothing when that one is not listed.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Case, Q, QuerySet, When
from django.db.models.functions import Coalesce

from agencies.matching import domain_from_website, normalise_name, search_lookups
from agencies.models import Agency

AGENCY_SEARCH_LIMIT = 10


def _listed_targets(matches: QuerySet[Agency]) -> QuerySet[Agency]:
    """The listed agencies that ``matches`` are, or were merged into (merges followed twice).

    A merged agency is never shown: its target is. Two hops cover a duplicate merged into
    an agency that was itself merged later on.
    """
    targets = matches.annotate(
        target=Coalesce("merged_into__merged_into_id", "merged_into_id", "pk")
    ).values("target")
    return Agency.objects.listed().filter(pk__in=targets)


def search_matches(query: str) -> Q:
    """Agencies whose name or website domain contains ``query``, as the site searches
    (``matching.search_lookups``); nothing for a blank query."""
    lookups = search_lookups(query)
    if not lookups:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{lookup: value}) for lookup, value in lookups))


def agency_search(query: str, *, limit: int = AGENCY_SEARCH_LIMIT) -> list[Agency]:
    """Listed agencies whose name or website domain contains ``query`` (``search_matches``),
    merges resolved. Closest first: exact matches, then names that start with the query.
    One query.
    """
    if not query.strip():
        return []
    matches = search_matches(query)
    name_key, domain = normalise_name(query), domain_from_website(query)
    exact, starts = Q(name__iexact=query.strip()), Q(name__istartswith=query.strip())
    # A blank key (a name in another script, a query that is no host) tells nothing here.
    if name_key:
        exact, starts = exact | Q(name_key=name_key), starts | Q(name_key__startswith=name_key)
    if domain:
        exact |= Q(domain=domain)
    closeness = Case(When(exact, then=0), When(starts, then=1), default=2)
    return list(
        _listed_targets(Agency.objects.filter(matches))
        .annotate(closeness=closeness)
        .order_by("closeness", "name", "pk")[:limit]
    )


@dataclass(frozen=True)
class AgencyDuplicates:
    """Listed agencies that a new agency would duplicate, by website domain and by name."""

    same_domain: list[Agency]
    same_name: list[Agency]

    def __bool__(self) -> bool:
        return bool(self.same_domain or self.same_name)


def agency_duplicates(*, name: str, website: str) -> AgencyDuplicates:
    """Agencies matching ``website``'s domain or ``name``'s normalised key, merges resolved.

    The same keys as the import's matching (agencies/matching.py). An agency that matches
    by domain is not repeated among the name matches.
    """
    domain = domain_from_website(website)
    name_key = normalise_name(name)
    same_domain = (
        list(_listed_targets(Agency.objects.filter(domain=domain)).order_by("name", "pk"))
        if domain
        else []
    )
    same_name = (
        list(
            _listed_targets(Agency.objects.filter(name_key=name_key))
            .exclude(pk__in=[agency.pk for agency in same_domain])
            .order_by("name", "pk")
        )
        if name_key
        else []
    )
    return AgencyDuplicates(same_domain=same_domain, same_name=same_name)


# Merges are followed this many hops; callers select_related the targets that deep.
MERGE_HOPS = 2


def follow_merges(agency: Agency | None) -> Agency | None:
    """The agency that ``agency`` now stands for; None when unknown or not listed."""
    for _hop in range(MERGE_HOPS):
        if agency is not None and agency.merged_into_id is not None:
            agency = agency.merged_into
    if agency is None or agency.merged_into_id is not None or not agency.is_active:
        return None
    return agency


def listed_agency_or_target(slug: str) -> Agency | None:
    """The agency with ``slug``, or the one it was merged into; None when not listed."""
    return follow_merges(
        Agency.objects.filter(slug=slug).select_related("merged_into__merged_into").first()
    )


def public_agency(slug: str) -> Agency | None:
    """The agency with ``slug`` (or the one it was merged into) with its score; None if hidden.

    One query for a listed agency: it and its score row. A merged agency's address costs a
    second one, its merge targets two hops deep with their score rows; its page only
    redirects. (Selecting the targets in every query cost a listed agency's page 2 ms.)
    """
    agency = next(
        iter(Agency.objects.filter(slug=slug).select_related("score").order_by()[:1]), None
    )
    if agency is not None and agency.merged_into_id is not None:
        agency = (
            Agency.objects.filter(pk=agency.pk)
            .select_related("merged_into__score", "merged_into__merged_into__score")
            .first()
        )
    return follow_merges(agency)
