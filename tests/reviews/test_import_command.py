"""python manage.py import_experiences: staff imports, dry runs and new accounts."""

import io
import subprocess
import sys

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from accounts.models import User
from agencies.models import Agency
from reviews.models import Engagement, Event
from tests.conftest import PROJECT_DIR
from tests.factories import make_user

pytestmark = pytest.mark.django_db

HEADER = "candidate,agency,agency_website,country,engagement,date,event,note"
FILE = f"""{HEADER}
,Acme Talent,acme.example,GB,acme-1,2025-03-03,applied,
,Acme Talent,,,acme-1,2025-03-08,reply,
new.person@example.com,Acme Talent,,,acme-9,2025-04-01,contacted,
New.Person@Example.com,Blue Fox,bluefox.example,ES,fox-1,2025-04-02,contacted,
"""


def run(*args, **options):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_experiences", *args, stdout=stdout, stderr=stderr, **options)
    return stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def staff_file(tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text(FILE, encoding="utf-8")
    return path


def test_a_dry_run_prints_the_plan_and_saves_nothing(staff_file):
    make_user(email="owner@example.com")
    out, _ = run(str(staff_file), "--user", "owner@example.com", "--create-users", "--dry-run")
    assert "Accounts to create: 1\n  new.person@example.com" in out
    assert "Agencies to create: 2" in out
    assert "  Acme Talent (GB, acme.example), first on row 2" in out
    assert "Engagements to create: 3" in out
    assert "Events to add: 4" in out
    assert "Dry run: nothing was saved." in out
    assert not User.objects.filter(email__iexact="new.person@example.com").exists()
    assert (Agency.objects.count(), Engagement.objects.count(), Event.objects.count()) == (0, 0, 0)


def test_create_users_makes_verified_accounts_without_a_password(staff_file):
    owner = make_user(email="owner@example.com")
    out, _ = run(str(staff_file), "--user", "owner@example.com", "--create-users", verbosity=0)
    assert out.strip() == "Saved."
    created = User.objects.get(email__iexact="new.person@example.com")
    assert not created.has_usable_password()
    address = EmailAddress.objects.get(user=created)
    assert (address.primary, address.verified) == (True, True)
    assert sorted(created.engagements.values_list("reference", flat=True)) == ["acme-9", "fox-1"]
    assert list(owner.engagements.values_list("reference", flat=True)) == ["acme-1"]
    # The same file again: nothing new, and no second account.
    out, _ = run(str(staff_file), "--user", "owner@example.com", "--create-users")
    assert "Nothing new to import" in out
    assert User.objects.count() == 2


def test_unknown_emails_without_create_users_are_problems_and_nothing_is_saved(staff_file):
    make_user(email="owner@example.com")
    with pytest.raises(CommandError, match=r"1 problem in .*; nothing was saved\."):
        run(str(staff_file), "--user", "owner@example.com", verbosity=0)
    assert Engagement.objects.count() == 0


def test_problems_are_printed_one_per_line(tmp_path):
    make_user(email="owner@example.com")
    path = tmp_path / "bad.csv"
    path.write_text(
        "agency,engagement,date,event\nAcme,a,2025-13-01,applied\nAcme,b,2025-01-01,nope\n",
        encoding="utf-8",
    )
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="3 problems"):
        call_command(
            "import_experiences",
            str(path),
            "--user",
            "owner@example.com",
            stderr=stderr,
            verbosity=0,
        )
    lines = stderr.getvalue().splitlines()
    assert lines[0].startswith("row 2, column country: Acme is a new agency")
    assert lines[1] == "row 2, column date: This date does not exist."
    assert lines[2].startswith("row 3, column event: Unknown event")


def test_an_unknown_user_or_a_missing_file_is_a_clear_error(tmp_path, staff_file):
    with pytest.raises(CommandError, match=r"No account uses nobody@example\.com"):
        run(str(staff_file), "--user", "nobody@example.com")
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.csv"):
        run(str(tmp_path / "missing.csv"), "--user", "nobody@example.com", "--create-users")


def test_the_help_describes_every_option():
    result = subprocess.run(
        [sys.executable, "manage.py", "import_experiences", "--help"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    for text in ("--user EMAIL", "--create-users", "--dry-run", "FILE", "candidate"):
        assert text in result.stdout
