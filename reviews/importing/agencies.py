"""Which agency each engagement of a file is with: one the site lists, or a new one."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext

from agencies.models import Agency
from reviews.importing.problems import Problem
from reviews.importing.rows import RowValues


@dataclass(slots=True, eq=False)
class NewAgency:
    """An agency the import creates (compared by identity: one object per agency)."""

    name: str
    website: str
    domain: str
    name_key: str
    country: str
    first_row: int
    pk: int | None = None  # once saved


class AgencyIndex:
    """The agencies a file can mean, loaded in one query, with merges followed."""

    def __init__(self, values: Iterable[RowValues], extra_ids: Iterable[int]) -> None:
        values = list(values)
        domains = {row.domain for row in values if row.domain}
        keys = {row.name_key for row in values if row.name_key}
        self.agencies: dict[int, dict] = {}
        self._load(Q(domain__in=domains) | Q(name_key__in=keys) | Q(pk__in=set(extra_ids)))
        # Merged agencies point at their target; fetch targets not loaded yet (chains are
        # one step long by rule, but a bounded loop costs nothing).
        for _ in range(5):
            missing = {
                a["merged_into_id"]
                for a in self.agencies.values()
                if a["merged_into_id"] and a["merged_into_id"] not in self.agencies
            }
            if not missing:
                break
            self._load(Q(pk__in=missing))
        self.by_domain: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        # Agencies matched directly come before those reached through a merge; then the oldest.
        for pk, agency in sorted(
            self.agencies.items(), key=lambda item: (item[1]["merged_into_id"] is not None, item[0])
        ):
            target = self.target(pk)
            if not self.listed(target):
                continue
            if agency["domain"]:
                self.by_domain.setdefault(agency["domain"], target)
            self.by_name.setdefault(agency["name_key"], target)

    def _load(self, condition: Q) -> None:
        for agency in Agency.objects.filter(condition).values(
            "pk", "name", "domain", "name_key", "is_active", "merged_into_id"
        ):
            self.agencies[agency["pk"]] = agency

    def target(self, pk: int) -> int:
        """The agency ``pk`` was merged into, or itself."""
        seen = {pk}
        while (next_pk := self.agencies.get(pk, {}).get("merged_into_id")) and next_pk not in seen:
            seen.add(next_pk)
            pk = next_pk
        return pk

    def listed(self, pk: int) -> bool:
        agency = self.agencies.get(pk)
        return bool(agency and agency["is_active"] and agency["merged_into_id"] is None)

    def match(self, row: RowValues) -> int | None:
        """The listed agency ``row`` names: by website domain, then by normalised name."""
        if row.domain and row.domain in self.by_domain:
            return self.by_domain[row.domain]
        return self.by_name.get(row.name_key)

    def names(self, pk: int) -> tuple[set[str], set[str]]:
        """Domains and name keys of an agency and of the agency it was merged into."""
        both = [self.agencies[p] for p in {pk, self.target(pk)} if p in self.agencies]
        return {a["domain"] for a in both if a["domain"]}, {a["name_key"] for a in both}


def engagement_agency(
    rows: list[RowValues],
    index: AgencyIndex,
    new_by_domain: dict[str, NewAgency],
    new_by_name: dict[str, NewAgency],
) -> tuple[int | None, NewAgency | None]:
    """The agency of a new engagement: the first listed match by domain, then by name, among
    its rows; else an agency the file creates (one per domain or name across the file)."""
    for row in rows:
        if row.domain and row.domain in index.by_domain:
            return index.by_domain[row.domain], None
    for row in rows:
        if row.name_key in index.by_name:
            return index.by_name[row.name_key], None
    first = rows[0]
    agency = (first.domain and new_by_domain.get(first.domain)) or new_by_name.get(first.name_key)
    if agency is None:
        agency = NewAgency(
            name=first.agency_name,
            website=first.website,
            domain=first.domain,
            name_key=first.name_key,
            country="",
            first_row=first.number,
        )
        new_by_name[first.name_key] = agency
    for row in rows:
        if row.name_key == agency.name_key or (row.domain and row.domain == agency.domain):
            if row.domain and not agency.domain:
                agency.website, agency.domain = row.website, row.domain
            agency.country = agency.country or row.country
    if agency.domain:
        new_by_domain.setdefault(agency.domain, agency)
    return None, agency


def rows_name_agency(
    rows: list[RowValues],
    *,
    index: AgencyIndex,
    agency_id: int | None,
    new_agency: NewAgency | None,
    agency_name: str,
    existing: bool,
) -> list[Problem]:
    """A problem for each row of one engagement that does not name the engagement's agency."""
    if new_agency is not None:
        domains = {new_agency.domain} - {""}
        keys = {new_agency.name_key}
        accepted: set[int] = set()
    else:
        domains, keys = index.names(agency_id)
        accepted = {agency_id, index.target(agency_id)}
    if existing:
        message = gettext(
            "Engagement “%(reference)s” is already in the logbook with %(agency)s: name that "
            "agency (or its website) on its rows."
        )
    else:
        message = gettext(
            "Engagement “%(reference)s” is with %(agency)s (row %(row)s): write the same "
            "agency name or website on every row of one engagement."
        )
    problems = []
    for row in rows:
        if row.domain in domains or row.name_key in keys or index.match(row) in accepted:
            continue
        params = {"reference": row.reference, "agency": agency_name, "row": rows[0].number}
        problems.append(Problem(row.number, "agency", message % params))
    return problems
