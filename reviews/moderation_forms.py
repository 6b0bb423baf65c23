"""Forms of the moderation pages and of the public "report" page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.models import ModerationActionKind, ModerationReason, ReportReason
from reviews.moderation import NOTE_MAX_LENGTH

REASON_CHOICES = [("", _("Choose a reason…")), *ModerationReason.choices]


class Decision:
    APPROVE = "approve"
    REJECT = "reject"
    REMOVE = "remove"


class NoteForm(forms.Form):
    """A decision that undoes another (clear a hold, count again, lift a suspension)."""

    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonedForm(NoteForm):
    """A reason from the fixed list (required unless ``needs_reason`` says not) and a note."""

    reason = forms.ChoiceField(label=_("Reason"), choices=REASON_CHOICES, required=False)
    field_order = ["reason", "note"]

    def needs_reason(self) -> bool:
        return True

    def clean(self):
        cleaned = super().clean()
        if self.needs_reason() and not cleaned.get("reason"):
            self.add_error("reason", _("Choose the reason for this decision."))
        return cleaned


class ReviewDecisionForm(ReasonedForm):
    """Approve, reject or remove a review; rejecting and removing need a reason."""

    decision = forms.ChoiceField(
        choices=[
            (Decision.APPROVE, _("Approve")),
            (Decision.REJECT, _("Reject")),
            (Decision.REMOVE, _("Remove")),
        ],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=_("Note to the author (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent with the reason if the review is rejected or removed."),
    )

    def needs_reason(self) -> bool:
        return self.cleaned_data.get("decision") in {Decision.REJECT, Decision.REMOVE}


class HeldEngagementsForm(ReasonedForm):
    """Exclude or clear every held engagement of an agency at once."""

    exclude = forms.TypedChoiceField(
        choices=[("1", _("Exclude them all")), ("0", _("Let them all count"))],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )

    def needs_reason(self) -> bool:
        return bool(self.cleaned_data.get("exclude"))


class ReportResolveForm(ReasonedForm):
    """Uphold a report (the content comes down, with a reason) or dismiss it."""

    upheld = forms.TypedChoiceField(
        choices=[("1", _("Uphold")), ("0", _("Dismiss"))],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )

    def needs_reason(self) -> bool:
        return bool(self.cleaned_data.get("upheld"))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("upheld"):
            cleaned["reason"] = ""  # a dismissal states no ground against the author
        return cleaned


class ReportForm(forms.Form):
    """What someone reporting a review or reply tells the moderators."""

    reason = forms.ChoiceField(
        label=_("What is wrong with it?"), choices=ReportReason.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What should a moderator look at? The author never sees who reported."),
    )


class LogFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[("", _("All actions")), *ModerationActionKind.choices],
        required=False,
    )
