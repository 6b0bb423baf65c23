"""Forms for the public agency pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class RankingSearchForm(forms.Form):
    """The ranking's query string; invalid input (e.g. a NUL byte) is simply not applied."""

    q = forms.CharField(label=_("Search by name or website"), max_length=100, required=False)
    page = forms.IntegerField(min_value=1, required=False)
