"""Forms for the public agency pages."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from agencies.models import MARK_NOTE_MAX_LENGTH, MarkVerdict, SpecialtyCode

# The orders the ranking offers; the first is the default.
SORT_CHOICES = [
    ("score", _("Score")),
    ("reply_rate", _("Reply rate")),
    ("median_reply_days", _("Median reply time")),
    ("ghosting_rate", _("Ghosting rate")),
    ("rating", _("Rating")),
]
# Minimum evidence beyond any agency's count would only show an empty page; the cap keeps
# the number a plain integer for the database.
MAX_MIN_EVIDENCE = 1_000_000


class RankingSearchForm(forms.Form):
    """The ranking's query string; a field with a bad value is shown as an error, not applied."""

    q = forms.CharField(label=_("Search by name or website"), max_length=100, required=False)
    country = forms.ChoiceField(
        label=_("Country"), required=False, choices=[("", _("Any country"))]
    )
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    specialty = forms.ChoiceField(
        label=_("Specialty"),
        required=False,
        choices=[("", _("Any specialty")), *SpecialtyCode.choices],
    )
    min_evidence = forms.IntegerField(
        label=_("Minimum experiences counted"),
        min_value=0,
        max_value=MAX_MIN_EVIDENCE,
        required=False,
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)
    page = forms.IntegerField(min_value=1, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Country names follow the active language, so the choices are built per request.
        self.fields["country"].choices = [("", _("Any country")), *countries]

    def filters(self) -> dict:
        """The valid filters, blank ones left out; call after ``is_valid()``."""
        data = getattr(self, "cleaned_data", {})
        filters = {
            "search": data.get("q", "").strip(),
            "country": data.get("country", ""),
            "city": data.get("city", "").strip(),
            "specialty": data.get("specialty", ""),
            "min_evidence": data.get("min_evidence"),
        }
        return {key: value for key, value in filters.items() if value not in ("", None)}

    def sort_key(self) -> str:
        """The chosen order, or the score when none or a bad one was asked for."""
        return getattr(self, "cleaned_data", {}).get("sort") or "score"


class CompareSearchForm(forms.Form):
    """The comparison's "add an agency" search."""

    q = forms.CharField(label=_("Find an agency to add"), max_length=100, required=False)


class AgencyMarkForm(forms.Form):
    """A verdict on an agency for the person's own list, with a private note."""

    verdict = forms.ChoiceField(
        label=_("Your verdict"), choices=MarkVerdict.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Private note"),
        help_text=_("Only you can see this note."),
        max_length=MARK_NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MyAgenciesFilterForm(forms.Form):
    """Which marks the "My agencies" page lists; a bad value lists them all."""

    verdict = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("", _("All agencies")), *MarkVerdict.choices],
    )

    def verdict_filter(self) -> str:
        """The chosen verdict, or "" for all; call after ``is_valid()``."""
        return getattr(self, "cleaned_data", {}).get("verdict", "")
