"""Forms of the representatives' pages and of the moderators' claim page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import CLAIM_MESSAGE_MAX_LENGTH, CLAIM_NOTE_MAX_LENGTH
from agencies.representing import (
    DISPUTE_REASONS,
    DISPUTE_TEXT_MAX_LENGTH,
    DISPUTE_TEXT_MIN_LENGTH,
    REPLY_MAX_LENGTH,
)


class ClaimForm(forms.Form):
    """What a claimant tells the moderators besides the address: their job title."""

    message = forms.CharField(
        label=_("Your job title (optional)"),
        required=False,
        max_length=CLAIM_MESSAGE_MAX_LENGTH,
        help_text=_("It helps the moderator who checks your claim."),
    )


class ReplyForm(forms.Form):
    """A representative's public reply to a review."""

    text = forms.CharField(
        label=_("The agency's public reply"),
        max_length=REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Shown under the review at once, as the agency's reply. No names, e-mail addresses "
            "or phone numbers."
        ),
    )


class DisputeForm(forms.Form):
    """A representative's dispute of a review: the rule it breaks, and why."""

    reason = forms.ChoiceField(
        label=_("Which rule does the review break?"),
        choices=DISPUTE_REASONS,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Explain"),
        min_length=DISPUTE_TEXT_MIN_LENGTH,
        max_length=DISPUTE_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What should a moderator check? The review stays up until a moderator decides, and "
            "its author is not told who disputed it."
        ),
    )


class ClaimDecisionForm(forms.Form):
    """A moderator's note on a claim: optional to approve, required to reject or revoke."""

    note = forms.CharField(
        label=_("Note to the claimant"),
        required=False,
        max_length=CLAIM_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ClaimListForm(forms.Form):
    """Which claims the moderators' claim page lists."""

    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("pending", _("Waiting")),
            ("approved", _("Approved")),
            ("rejected", _("Rejected")),
            ("revoked", _("Revoked")),
        ],
    )
