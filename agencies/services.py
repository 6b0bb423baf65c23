"""Writes to agencies. Views, commands and jobs all come through here."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.text import slugify

from agencies.models import Agency, Specialty


def unique_agency_slug(name: str) -> str:
    """A slug for ``name`` that no agency uses yet ("acme", then "acme-2", ...)."""
    base = slugify(name, allow_unicode=False)[:200] or "agency"
    taken = set(Agency.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


@transaction.atomic
def agency_create(
    *,
    name: str,
    country: str,
    website: str = "",
    city: str = "",
    specialties: Iterable[str] = (),
) -> Agency:
    """Create an agency with a fresh slug and its matching keys; specialties are codes."""
    agency = Agency(
        name=name.strip(),
        website=website.strip(),
        country=country,
        city=city.strip(),
        slug=unique_agency_slug(name),
    )
    agency.refresh_match_keys()
    agency.full_clean()
    agency.save()
    codes = list(specialties)
    if codes:
        agency.specialties.set(Specialty.objects.filter(code__in=codes))
    return agency
