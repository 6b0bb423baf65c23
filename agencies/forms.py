"""Forms for the public agency pages."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from agencies.models import MARK_NOTE_MAX_LENGTH, MarkVerdict, SpecialtyCode
from agencies.ranking_rows import country_names

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


# Rendered options of the ranking's selects by (field name, language); see RankingSelect.
_ranking_select_options: dict[tuple[str, str], str] = {}


class RankingSelect(forms.Select):
    """A ranking filter's select, its options rendered once per language.

    The ranking's choices change only with the language, and rendering some 250 country
    options through the widget templates on every request cost a quarter of the page's time.
    The markup is the same as Django's Select renders: the first option whose value is the
    field's value is marked selected.
    """

    def render(self, name, value, attrs=None, renderer=None):
        key = (name, get_language() or "")
        options = _ranking_select_options.get(key)
        if options is None:
            options = _ranking_select_options[key] = "".join(
                f'\n  <option value="{conditional_escape(str(option_value))}">'
                f"{conditional_escape(str(label))}</option>\n"
                for option_value, label in self.choices
            )
        unmarked = f'<option value="{conditional_escape(self.format_value(value)[0])}">'
        options = options.replace(unmarked, f"{unmarked[:-1]} selected>", 1)
        final_attrs = "".join(
            f" {attr}" if setting is True else f' {attr}="{conditional_escape(str(setting))}"'
            for attr, setting in self.build_attrs(self.attrs, attrs).items()
            if setting is not False
        )
        # Every name, value and label above is escaped.
        html = f'<select name="{conditional_escape(name)}"{final_attrs}>{options}\n</select>'
        return mark_safe(html)  # noqa: S308


class _DirectInput:
    """An input rendered straight to markup, as Django's input.html template renders it.

    The public pages' filter forms render on every visit; going through the widget
    templates cost about 0.15 ms an input, a good part of a page's budget.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = {} if widget["value"] is None else {"value": str(widget["value"])}
        return format_html(
            '<input type="{}" name="{}"{}>', widget["type"], name, flatatt(shown | widget["attrs"])
        )


class DirectTextInput(_DirectInput, forms.TextInput):
    """A text input rendered without the widget templates."""


class DirectNumberInput(_DirectInput, forms.NumberInput):
    """A number input rendered without the widget templates."""


def _country_choices() -> list[tuple[str, str]]:
    # Called whenever the choices are read, so that names follow the active language.
    return [("", _("Any country")), *country_names().items()]


class CountryChoiceField(forms.ChoiceField):
    """A country among the ranking's choices, checked by code without listing every name."""

    def valid_value(self, value) -> bool:
        return str(value) in country_names()


class RankingSearchForm(forms.Form):
    """The ranking's query string; a field with a bad value is shown as an error, not applied."""

    q = forms.CharField(
        label=_("Search by name or website"),
        max_length=100,
        required=False,
        widget=DirectTextInput,
    )
    country = CountryChoiceField(
        label=_("Country"), required=False, choices=_country_choices, widget=RankingSelect
    )
    city = forms.CharField(label=_("City"), max_length=120, required=False, widget=DirectTextInput)
    specialty = forms.ChoiceField(
        label=_("Specialty"),
        required=False,
        choices=[("", _("Any specialty")), *SpecialtyCode.choices],
        widget=RankingSelect,
    )
    min_evidence = forms.IntegerField(
        label=_("Minimum experiences counted"),
        min_value=0,
        max_value=MAX_MIN_EVIDENCE,
        required=False,
        widget=DirectNumberInput,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=SORT_CHOICES, widget=RankingSelect
    )
    page = forms.IntegerField(min_value=1, required=False)

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
