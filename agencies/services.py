"""Writes to agencies. Views, commands and jobs all come through here."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, AgencyMark, AgencyScore, MarkVerdict, Specialty
from agencies.queries import agency_marks_standing_for
from agencyrank.page_cache import public_data_changed


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
    public_data_changed()  # the ranking lists every agency, scored or not
    return agency


def _lock_marks_of(user) -> None:
    # One person's marks are written one at a time: a double-click cannot create two marks
    # for one agency, nor fold merged agencies' marks twice.
    get_user_model().objects.select_for_update().filter(pk=user.pk).exists()


@transaction.atomic
def agency_mark_set(*, user, agency: Agency, verdict: str, note: str = "") -> AgencyMark:
    """Record ``user``'s verdict on ``agency`` with a private note.

    The agency's current score is copied when the verdict is new or changes, so the list can
    show the change since. A mark left on an agency that was merged into ``agency`` becomes
    this mark: one mark per agency as it stands now.
    """
    if verdict not in MarkVerdict.values:
        raise ValidationError({"verdict": _("Choose professional or avoid.")})
    _lock_marks_of(user)
    marks = list(agency_marks_standing_for(user, agency))
    mark = marks[0] if marks else AgencyMark(user=user, agency=agency)
    for superseded in marks[1:]:
        superseded.delete()
    mark.agency = agency
    if mark.pk is None or mark.verdict != verdict:
        mark.verdict = verdict
        mark.marked_at = timezone.now()
        mark.score_when_marked = (
            AgencyScore.objects.filter(agency=agency).values_list("score", flat=True).first()
        )
    mark.note = note.strip()
    mark.full_clean(exclude=["user", "agency"], validate_unique=False, validate_constraints=False)
    mark.save()
    return mark


@transaction.atomic
def agency_mark_remove(*, user, agency: Agency) -> int:
    """Delete ``user``'s mark on ``agency`` (and on agencies merged into it); how many went."""
    _lock_marks_of(user)
    deleted, _by_model = agency_marks_standing_for(user, agency).delete()
    return deleted
