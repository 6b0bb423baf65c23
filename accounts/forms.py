"""Forms of our own account pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

# The word to type when the account has no password (staff created it on import).
CONFIRMATION_WORD = "DELETE"


class AccountDeleteForm(forms.Form):
    """Confirmation of an account's deletion: its password, or the typed word if it has none."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirmation = forms.CharField(
        label=_("Type DELETE to confirm"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            del self.fields["confirmation"]
            self.fields["password"].required = True
        else:
            del self.fields["password"]
            self.fields["confirmation"].required = True

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password

    def clean_confirmation(self) -> str:
        word = self.cleaned_data["confirmation"].strip()
        if word.upper() != CONFIRMATION_WORD:
            raise forms.ValidationError(_("Type the word DELETE to confirm."))
        return word
