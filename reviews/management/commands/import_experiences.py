"""python manage.py import_experiences FILE [--user EMAIL] [--create-users] [--dry-run]"""

from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError
from tqdm import tqdm

from reviews.importing import ImportPlan, experiences_import, read_rows
from reviews.importing.format import MAX_BYTES


class Command(BaseCommand):
    help = (
        "Import experiences from a CSV file in the format of docs/import-format.md. Every row "
        "is checked first; if any has a problem, each is printed as 'row N, column C: ...' "
        "and nothing is saved. Otherwise all rows are saved in one transaction. Rows already "
        "imported are skipped, so importing a file twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="The CSV file (UTF-8, at most 5 MB).")
        parser.add_argument(
            "--user",
            metavar="EMAIL",
            help=(
                "The candidate who owns the rows. Rows of a file with a 'candidate' column "
                "(an e-mail per row) belong to that person instead; --user then covers the "
                "rows where it is empty and may be left out if none is."
            ),
        )
        parser.add_argument(
            "--create-users",
            action="store_true",
            help=(
                "Create an account for each candidate e-mail that has none: no password (the "
                "person resets it to sign in) and the e-mail counted as verified. Without "
                "it, an unknown e-mail is a problem."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and print what would be created, without saving anything.",
        )

    def handle(
        self,
        *args,
        file: str,
        user: str | None,
        create_users: bool,
        dry_run: bool,
        verbosity: int,
        **options,
    ) -> None:
        read = read_rows(self.read(Path(file)))
        if user and not create_users:
            email = user.strip()
            found = (
                get_user_model().objects.filter(email__iexact=email).exists()
                or EmailAddress.objects.filter(email__iexact=email).exists()
            )
            if not found:
                raise CommandError(
                    f"No account uses {user}; run with --create-users to create one."
                )
        try:
            # The bar redraws its line with carriage returns: it writes to the stream itself,
            # not through Django's wrapper, which would end every update with a new line.
            with tqdm(
                total=len(read.rows), unit="row", disable=verbosity == 0, file=self.stderr._out
            ) as bar:
                plan = experiences_import(
                    read=read,
                    candidate=user,
                    staff=True,
                    create_users=create_users,
                    dry_run=dry_run,
                    progress=bar,
                )
        except IntegrityError as error:
            raise CommandError(
                f"Another change collided with this import ({error}); nothing was saved. "
                "Run it again."
            ) from None
        if plan.problems:
            for problem in plan.problems:
                self.stderr.write(str(problem))
            count = len(plan.problems)
            raise CommandError(
                f"{count} problem{'s' if count != 1 else ''} in {file}; nothing was saved."
            )
        self.report(plan, verbosity)
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
        elif plan.saved:
            self.stdout.write(self.style.SUCCESS("Saved."))
        else:
            self.stdout.write("Nothing new to import: every row is already there.")

    def read(self, path: Path) -> bytes:
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(
                    f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into "
                    "smaller files."
                )
            return path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}") from None

    def report(self, plan: ImportPlan, verbosity: int) -> None:
        """What the import creates (or would), one line per kind of change."""
        if verbosity == 0:
            return
        write = self.stdout.write
        write(f"Rows read: {plan.rows}")
        write(f"Accounts to create: {len(plan.accounts_to_create)}")
        for email in plan.accounts_to_create:
            write(f"  {email}")
        write(f"Agencies to create: {len(plan.agencies_to_create)}")
        for agency in plan.agencies_to_create:
            details = ", ".join(filter(None, [agency.country, agency.domain]))
            write(f"  {agency.name} ({details}), first on row {agency.first_row}")
        write(f"Engagements to create: {len(plan.engagements_to_create)}")
        write(f"Engagements to extend: {len(plan.engagements_to_extend)}")
        if verbosity > 1:
            for engagement in plan.engagements:
                if engagement.existing_id is None or engagement.events:
                    state = "new" if engagement.existing_id is None else "extended"
                    write(
                        f"  {engagement.candidate} / {engagement.reference} "
                        f"({engagement.agency_name}, {state}): {len(engagement.events)} events"
                    )
        write(f"Events to add: {plan.events_to_add}")
        write(f"Rows already present (skipped): {len(plan.skipped_rows)}")
