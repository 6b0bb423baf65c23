"""Forms for the public agency pages."""

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
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


# The ranking's choices are given as functions and checked by code: every form copies its
# fields, and copying lists of choices (translated labels included), or reading through them
# for each value, cost more than the rest of the form's validation.


def _country_choices() -> list[tuple[str, str]]:
    # Called whenever the choices are read, so that names follow the active language.
    return [("", _("Any country")), *country_names().items()]


def _specialty_choices() -> list[tuple[str, str]]:
    return [("", _("Any specialty")), *SpecialtyCode.choices]


def _sort_choices() -> list[tuple[str, str]]:
    return SORT_CHOICES


class CodeChoiceField(forms.ChoiceField):
    """One of a fixed set of codes, checked without listing the choices' labels."""

    def __init__(self, *, codes: Iterable[str], **kwargs) -> None:
        self.codes = frozenset(codes)
        super().__init__(**kwargs)

    def valid_value(self, value) -> bool:
        return str(value) in self.codes


class CountryChoiceField(forms.ChoiceField):
    """A country among the ranking's choices, checked by code without listing every name."""

    def valid_value(self, value) -> bool:
        return str(value) in country_names()


@dataclass(frozen=True)
class _FilterMarkup:
    """A ranking filter's fixed markup in one language: all but its value and errors."""

    name: str
    opening: str  # "<input ... name=..." or "<select name=...", before its attributes
    attrs: str  # id and the field's own attributes (maxlength, min, max)
    options: str  # a select's options, none selected; "" for an input
    head: str  # the paragraph and label before the widget
    id: str


@functools.cache
def _filter_markup(form_class, language: str | None, auto_id: str) -> tuple[_FilterMarkup, ...]:
    """The filters' markup in ``language``, the active one; see RankingSearchForm.fields_html."""
    form = form_class(auto_id=auto_id)
    return tuple(form._markup_of(name) for name in form.FILTER_FIELDS)


class RankingSearchForm(forms.Form):
    """The ranking's query string; a field with a bad value is shown as an error, not applied."""

    q = forms.CharField(label=_("Search by name or website"), max_length=100, required=False)
    country = CountryChoiceField(label=_("Country"), required=False, choices=_country_choices)
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    specialty = CodeChoiceField(
        label=_("Specialty"),
        required=False,
        choices=_specialty_choices,
        codes=SpecialtyCode.values,
    )
    min_evidence = forms.IntegerField(
        label=_("Minimum experiences counted"),
        min_value=0,
        max_value=MAX_MIN_EVIDENCE,
        required=False,
    )
    sort = CodeChoiceField(
        label=_("Sort by"),
        required=False,
        choices=_sort_choices,
        codes=[code for code, _label in SORT_CHOICES],
    )
    page = forms.IntegerField(min_value=1, required=False)

    # Fields the ranking shows as filters; the page number travels in the pagination links.
    FILTER_FIELDS = ("q", "country", "city", "specialty", "min_evidence", "sort")

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

    def fields_html(self) -> SafeString:
        """The filter fields as the ranking shows them, each in a paragraph with its label,
        the submitted value filled in and its errors below it.

        The same markup as the fields' widget templates render (agencies/ranking.html's loop
        over the form once did), put together from pieces built once per language: the
        labels and the ~250 country options depend only on the code and the language, and
        rendering them through bound fields and widget templates cost about 0.7 ms a page.
        A value that matches an option marks the first such option selected, as Django's
        Select does; a blank one marks the blank option.
        """
        errors = self.errors if self.is_bound else {}
        parts = []
        for markup in self._filter_markup():
            value = self.data.get(markup.name) if self.is_bound else None
            if markup.options:  # a select: every value is shown by the option it selects
                widget = self._select_html(markup, "" if value is None else str(value), errors)
            else:
                widget = self._input_html(markup, value, errors)
            error_list = self[markup.name].errors if markup.name in errors else ""
            parts.append(f"{markup.head}{widget}\n        {error_list}\n      </p>\n    ")
        # The markup is this module's; every label, value and message in it is escaped.
        return mark_safe("".join(parts))  # noqa: S308

    @staticmethod
    def _input_html(markup: _FilterMarkup, value, errors) -> str:
        # Attributes in the order Django's flatatt sorts them: aria-*, id, ..., value.
        if markup.name in errors:
            aria = f' aria-describedby="{markup.id}_error" aria-invalid="true"'
        else:
            aria = ""
        shown = "" if value in ("", None) else f' value="{conditional_escape(str(value))}"'
        return f"{markup.opening}{aria}{markup.attrs}{shown}>"

    @staticmethod
    def _select_html(markup: _FilterMarkup, value: str, errors) -> str:
        # Attributes in the order the bound field builds them: aria-invalid, aria-describedby,
        # then the id.
        if markup.name in errors:
            aria = f' aria-invalid="true" aria-describedby="{markup.id}_error"'
        else:
            aria = ""
        unmarked = f'<option value="{conditional_escape(value)}">'
        options = markup.options.replace(unmarked, f"{unmarked[:-1]} selected>", 1)
        return f"{markup.opening}{aria}{markup.attrs}>{options}\n</select>"

    def _filter_markup(self) -> tuple[_FilterMarkup, ...]:
        return _filter_markup(type(self), get_language(), self.auto_id)

    def _markup_of(self, name: str) -> _FilterMarkup:
        field = self.fields[name]
        widget_id = self.auto_id % name
        label = f"{conditional_escape(field.label)}{conditional_escape(self.label_suffix)}"
        head = f'\n      <p>\n        <label for="{widget_id}">{label}</label>\n        '
        if isinstance(field.widget, forms.Select):
            options = "".join(
                f'\n  <option value="{conditional_escape(str(option_value))}">'
                f"{conditional_escape(str(option_label))}</option>\n"
                for option_value, option_label in field.choices
            )
            return _FilterMarkup(
                name=name,
                opening=f'<select name="{name}"',
                attrs=f' id="{widget_id}"',
                options=options,
                head=head,
                id=widget_id,
            )
        attrs = {"id": widget_id, **field.widget.attrs}
        return _FilterMarkup(
            name=name,
            opening=f'<input type="{field.widget.input_type}" name="{name}"',
            attrs=flatatt(attrs),  # sorted by name, as for Django's inputs
            options="",
            head=head,
            id=widget_id,
        )


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
