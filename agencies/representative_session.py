"""The agencies a signed-in person represents, remembered in their session for the site's menu.

Every page's menu shows "Your agency" to representatives; reading claims on every page would
cost each signed-in page a query, so the session keeps the answer. It is written at sign-in
and whenever a representatives' page reads the claims anyway. It only decides whether the
menu shows the link: every representatives' page checks the claims themselves.
"""

from django.http import HttpRequest

from agencies.claims import represented_agencies
from agencies.models import Agency

SESSION_KEY = "represented_agencies"


def remember_represented(request: HttpRequest, agencies: list[Agency]) -> None:
    """Keep the slugs and names of ``agencies`` in the session; write only on a change."""
    value = [[agency.slug, agency.name] for agency in agencies]
    if request.session.get(SESSION_KEY, []) == value:
        return
    if value:
        request.session[SESSION_KEY] = value
    else:
        request.session.pop(SESSION_KEY, None)


def remember_on_sign_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """Receiver of ``user_logged_in``: note what the person who just signed in represents."""
    if request is None or not hasattr(request, "session"):
        return
    remember_represented(request, list(represented_agencies(user)))
