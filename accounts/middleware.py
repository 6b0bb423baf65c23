"""Staff pages need two-factor authentication."""

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# A page is for staff when its URL lives in one of these namespaces (the Django admin's is
# "admin") or under one of these paths; a new staff area joins by using either.
STAFF_NAMESPACES = frozenset({"admin", "moderation", "staff"})
STAFF_PATH_PREFIXES = ("/moderation/",)


class StaffTwoFactorMiddleware:
    """Send a staff account without an authenticator app to set one up before any staff page.

    A staff password alone can publish, remove and exclude; a leaked one must not be enough.
    Everyone may turn on two-factor authentication; for staff it is a condition of using the
    admin and the moderation pages. Other pages, and people who are not staff, are untouched,
    so a staff member can always reach the set-up page, their account and the sign-out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        # Superusers too: the moderation pages admit a superuser even without is_staff.
        staff = user.is_authenticated and (user.is_staff or user.is_superuser)
        if not staff or not is_staff_page(request):
            return None
        if is_mfa_enabled(user, [Authenticator.Type.TOTP]):
            return None
        messages.warning(
            request,
            _(
                "Staff accounts need two-factor authentication. Set up an authenticator app "
                "to reach the staff pages."
            ),
        )
        return HttpResponseRedirect(reverse("mfa_activate_totp"))


def is_staff_page(request: HttpRequest) -> bool:
    """True when the resolved URL belongs to a staff-only area."""
    match = request.resolver_match
    if match is not None and STAFF_NAMESPACES.intersection(match.namespaces):
        return True
    return request.path_info.startswith(STAFF_PATH_PREFIXES)
