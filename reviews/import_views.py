"""The candidate's own data: importing a spreadsheet (upload, preview, confirm) and exporting.

Between the preview and the confirmation the uploaded file waits in the candidate's session,
compressed and capped in size; the confirmation names the file it confirms by its digest
(another tab may have uploaded another one since), and the file is checked again before
anything is saved.
"""

import base64
import csv
import hashlib
import zlib

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from reviews.access import candidate_required
from reviews.exporting import account_export, experiences_csv_rows
from reviews.importing import ImportPlan, Problem, experiences_import
from reviews.importing.format import EXPORT_COLUMNS, MAX_BYTES

SESSION_KEY = "reviews_import_upload"
# The compressed upload kept in the session between preview and confirmation. CSV shrinks
# about tenfold, so this holds any file under the import's own size limit in practice.
SESSION_MAX_BYTES = 1_000_000
# Problems listed on the page; a file wrong throughout (every date in another format, say)
# would otherwise print thousands of lines saying the same thing.
PROBLEMS_SHOWN = 200


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("A spreadsheet saved as CSV (UTF-8), up to 5 MB and 20,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


def _remember(request, data: bytes) -> str | None:
    """Keep ``data`` in the session for the confirmation; its digest, or None if too large."""
    packed = base64.b64encode(zlib.compress(data, 6)).decode("ascii")
    if len(packed) > SESSION_MAX_BYTES:
        return None
    digest = hashlib.sha256(data).hexdigest()
    request.session[SESSION_KEY] = {"digest": digest, "data": packed}
    return digest


def _recall(request, digest: str) -> bytes | None:
    """The file the preview showed, if it is the one with ``digest``."""
    stored = request.session.get(SESSION_KEY)
    if not stored or not constant_time_compare(stored.get("digest", ""), digest):
        return None
    return zlib.decompress(base64.b64decode(stored["data"]))


def _preview(request, plan: ImportPlan, *, form=None, digest: str | None = None):
    problems = plan.problems
    return render(
        request,
        "reviews/import_preview.html",
        {
            "plan": plan,
            "problems": problems[:PROBLEMS_SHOWN],
            "problems_hidden": max(0, len(problems) - PROBLEMS_SHOWN),
            "problem_count": len(problems),
            "form": form or ImportUploadForm(),
            "digest": digest,
        },
    )


@candidate_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """GET: the upload form. POST: the file checked, and a preview of what it would add."""
    if request.method != "POST":
        return render(request, "reviews/import_upload.html", {"form": ImportUploadForm()})
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "reviews/import_upload.html", {"form": form})
    # One byte past the limit is enough to say it is too large, without reading it all.
    data = form.cleaned_data["file"].read(MAX_BYTES + 1)
    plan = experiences_import(data=data, candidate=request.user, dry_run=True)
    digest = None
    if not plan.problems and plan.has_changes:
        digest = _remember(request, data)
        if digest is None:
            plan.problems.append(
                Problem(
                    None,
                    None,
                    gettext(
                        "This file is too large to import from the web page; split it into "
                        "smaller files."
                    ),
                )
            )
    return _preview(request, plan, digest=digest)


@candidate_required
@require_POST
def import_confirm(request):
    """Save the previewed file, checked again against the logbook as it is now."""
    data = _recall(request, request.POST.get("digest", ""))
    if data is None:
        messages.error(request, _("That preview has expired. Upload the file again."))
        return redirect("reviews_data:import")
    try:
        plan = experiences_import(data=data, candidate=request.user)
    except IntegrityError:
        # Another import created the same agency at the same moment; the next try sees it.
        messages.error(request, _("Something changed while importing. Please confirm again."))
        return redirect("reviews_data:import")
    if plan.problems:
        return _preview(request, plan)
    request.session.pop(SESSION_KEY, None)
    if not plan.saved:
        messages.info(
            request, _("Nothing new: everything in that file is already in your logbook.")
        )
        return redirect("reviews:my_experiences")
    messages.success(
        request,
        _(
            "Import complete: %(events)s events added, %(engagements)s engagements and "
            "%(agencies)s agencies created."
        )
        % {
            "events": plan.events_to_add,
            "engagements": len(plan.engagements_to_create),
            "agencies": len(plan.agencies_to_create),
        },
    )
    return redirect("reviews:my_experiences")


def _attachment(response: HttpResponse, name: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # A person's own data: never kept by a shared cache or the browser's.
    patch_cache_control(response, private=True, no_store=True)
    return response


@candidate_required
@require_safe
def import_template(request):
    """An empty spreadsheet with the import's columns."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")
    csv.writer(response).writerow(EXPORT_COLUMNS)
    return _attachment(response, "agencyrank-import-template.csv")


@login_required
@require_safe
def export_csv(request):
    """Everything the candidate logged, in the import's format (importable back)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    # The byte-order mark makes spreadsheet programs read the file as UTF-8.
    response.write("\ufeff")
    csv.writer(response).writerows(experiences_csv_rows(request.user))
    today = timezone.localdate().isoformat()
    return _attachment(response, f"agencyrank-experiences-{today}.csv")


@login_required
@require_safe
def export_json(request):
    """Everything stored about the signed-in account, as JSON."""
    response = JsonResponse(
        account_export(request.user), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    today = timezone.localdate().isoformat()
    return _attachment(response, f"agencyrank-account-{today}.json")
