"""Load a believable, deterministic demo data set: ``python manage.py seed_demo``.

About 150 agencies in ten countries, 300 verified candidate accounts, some 3,000
engagements with their event timelines, and reviews (mostly published, a few pending, a
handful with a public agency reply). Each agency has a hidden behaviour profile that drives
its timelines, so that the scoring jobs have real differences to find.

The data set is planned in memory by ``agencyrank.demo.plan`` from the seed and a ``today``
anchor, then saved by ``agencyrank.demo.load``: the same seed and today give the same data
whatever ids the database hands out. Scores are left to the background jobs.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from agencyrank.demo.load import delete_demo_data, existing_demo_data, save_plan
from agencyrank.demo.plan import plan_demo

DEFAULT_SEED = 2026


class Command(BaseCommand):
    help = (
        "Load a deterministic demo data set: about 150 agencies, 300 verified candidates, "
        "3,000 engagements with their events, and reviews. Does nothing if it is already "
        "loaded; --reset replaces it. Scores are left to the background jobs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"Seed of the random generator (default {DEFAULT_SEED}). The same seed and "
            "--today give the same data set.",
        )
        parser.add_argument(
            "--today",
            default=None,
            metavar="YYYY-MM-DD",
            help="The date the data set ends on (default: today). No event comes after it.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo data (demo agencies, demo accounts and everything they "
            "logged) and load it again. Other data is left alone.",
        )

    def handle(
        self, *args, seed: int, today: str | dt.date | None, reset: bool, verbosity: int, **options
    ) -> None:
        anchor = parse_today(today)
        progress = verbosity > 0
        with transaction.atomic():
            existing = existing_demo_data()
            if existing is not None and not reset:
                agencies, engagements = existing
                self.stdout.write(
                    f"Demo data already loaded: {agencies} agencies, {engagements} "
                    "engagements; nothing to do."
                )
                return
            if reset:
                deleted = delete_demo_data()
                if verbosity > 0:
                    self.stdout.write(
                        "Deleted demo data: {} agencies, {} candidates, {} engagements.".format(
                            *deleted
                        )
                    )
            plan = plan_demo(seed, anchor, progress, tz=timezone.get_current_timezone())
            counts = save_plan(plan, progress)
        if verbosity > 0:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data loaded: {counts['agencies']} agencies, {counts['candidates']} "
                    f"candidates, {counts['engagements']} engagements, {counts['events']} events, "
                    f"{counts['reviews']} reviews ({counts['published']} published, "
                    f"{counts['reviews'] - counts['published']} pending), "
                    f"{counts['replies']} agency replies."
                )
            )


def parse_today(value: str | dt.date | None) -> dt.date:
    """The --today anchor as a date (default: today); it may not be in the future."""
    if value is None:
        return timezone.localdate()
    if isinstance(value, dt.date):
        anchor = value
    else:
        try:
            anchor = dt.date.fromisoformat(value)
        except ValueError as error:
            raise CommandError(f"--today must be a date as YYYY-MM-DD, not {value!r}.") from error
    if anchor > timezone.localdate():
        raise CommandError("--today cannot be in the future: no event may be dated after it.")
    return anchor
