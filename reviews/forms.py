"""Forms of the candidate's logbook. They validate input; the services validate the domain."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from agencies.models import SpecialtyCode
from reviews.event_kinds import Kind
from reviews.models import EventKind, Source, latest_date_anywhere
from reviews.services import REVIEW_TEXT_MAX_LENGTH, REVIEW_TEXT_MIN_LENGTH


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its fields where it names them."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class AgencySearchForm(forms.Form):
    """The agency finder's query; invalid input (a NUL byte, say) is simply not searched."""

    q = forms.CharField(label=_("Agency name or website"), max_length=100, required=False)


class AgencyForm(forms.Form):
    """A new agency, as a candidate knows it."""

    name = forms.CharField(label=_("Name"), max_length=200)
    website = forms.URLField(
        label=_("Website"),
        max_length=300,
        required=False,
        assume_scheme="https",
        help_text=_("Its address helps us recognise the agency, e.g. https://acme-talent.com"),
    )
    country = LazyTypedChoiceField(label=_("Country"), choices=[])
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    specialties = forms.MultipleChoiceField(
        label=_("Specialties"),
        choices=SpecialtyCode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choices choices-grid"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built here: the country names follow the language of the request.
        self.fields["country"].choices = [("", _("Choose a country")), *countries]


class EngagementForm(forms.Form):
    """What the candidate's process with the agency is about and how it started."""

    role_title = forms.CharField(
        label=_("Role"),
        max_length=200,
        required=False,
        help_text=_("The job title, if there was one."),
    )
    source = forms.ChoiceField(
        label=_("How it started"), choices=[("", _("Choose how it started")), *Source.choices]
    )
    started_on = forms.DateField(label=_("Started on"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].widget.attrs["max"] = latest_date_anywhere().isoformat()


DISCLOSURE_CHOICES = [("", _("Unknown")), ("yes", _("Yes")), ("no", _("No"))]
DISCLOSURE_VALUES = {"yes": True, "no": False}
DISCLOSURE_CODES = {True: "yes", False: "no", None: ""}


class EventForm(forms.Form):
    """One event on a timeline.

    ``role_details_disclosed`` matters only for pay questions: for every other kind the form
    drops it rather than refusing it, so a candidate who changes the kind is not blocked by
    an answer they can no longer see.
    """

    kind = forms.ChoiceField(
        label=_("What happened"), choices=[("", _("Choose what happened")), *EventKind.choices]
    )
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput())
    occurred_at = forms.TimeField(label=_("Time (optional)"), required=False, widget=TimeInput())
    note = forms.CharField(
        label=_("Private note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only you can see it."),
    )
    role_details_disclosed = forms.TypedChoiceField(
        label=_("Did they tell you the client and the pay band before asking?"),
        choices=DISCLOSURE_CHOICES,
        coerce=DISCLOSURE_VALUES.get,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
        help_text=_(
            "Only for pay questions: asking about pay before saying either is salary fishing."
        ),
    )

    def __init__(self, *args, engagement=None, event=None, **kwargs):
        if event is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": event.kind,
                    "occurred_on": event.occurred_on,
                    "occurred_at": event.occurred_at,
                    "note": event.note,
                    "role_details_disclosed": DISCLOSURE_CODES[event.role_details_disclosed],
                },
            )
        super().__init__(*args, **kwargs)
        if event is not None:  # the row just turned into this form: start there
            self.fields["kind"].widget.attrs["autofocus"] = True
        date_attrs = self.fields["occurred_on"].widget.attrs
        date_attrs["max"] = latest_date_anywhere().isoformat()
        if engagement is not None:
            date_attrs["min"] = engagement.started_on.isoformat()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") != Kind.SALARY_ASKED:
            cleaned["role_details_disclosed"] = None
        return cleaned


RATING_CHOICES = [
    (1, _("1 (very poor)")),
    (2, _("2 (poor)")),
    (3, _("3 (fair)")),
    (4, _("4 (good)")),
    (5, _("5 (excellent)")),
]


def rating_field(label, help_text) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
    )


class ReviewForm(forms.Form):
    """Four ratings from 1 to 5 and a text. The text is shown as plain text, never as HTML."""

    rating_communication = rating_field(
        _("Communication"), _("Did they answer you, and in good time?")
    )
    rating_honesty = rating_field(_("Honesty"), _("Was the role real, and described as it was?"))
    rating_feedback = rating_field(_("Feedback"), _("Did they tell you where you stood, and why?"))
    rating_respect = rating_field(
        _("Respect for your time and data"),
        _("Did they use your CV and your time only as you agreed?"),
    )
    text = forms.CharField(
        label=_("Your review"),
        min_length=REVIEW_TEXT_MIN_LENGTH,
        max_length=REVIEW_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Between 20 and 5,000 characters. Describe what happened; leave out names and "
            "anything that identifies you or others. A moderator reads it before it appears."
        ),
    )

    def __init__(self, *args, review=None, **kwargs):
        if review is not None:
            kwargs.setdefault(
                "initial",
                {
                    "rating_communication": review.rating_communication,
                    "rating_honesty": review.rating_honesty,
                    "rating_feedback": review.rating_feedback,
                    "rating_respect": review.rating_respect,
                    "text": review.text,
                },
            )
        super().__init__(*args, **kwargs)
