"""Account pages of our own, beside allauth's."""

from allauth.account.decorators import secure_admin_login
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.forms import AccountDeleteForm
from accounts.services import account_delete


@login_required
@require_http_methods(["GET", "POST"])
def delete(request):
    """GET: what deletion erases and keeps, with the export links. POST: erase the account."""
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        account_delete(user=request.user)
        logout(request)
        messages.success(request, _("Your account and everything you logged have been erased."))
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})


@secure_admin_login
def admin_login(request):
    """The admin's sign-in page, replaced by the site's own.

    Signing in to the admin goes through the site's sign-in form, so it shares its limit on
    failed attempts and its two-factor step; nothing ever posts a password to the admin.
    Someone signed in but not staff is refused (403); staff go straight to the admin.
    """
    return redirect("admin:index")
