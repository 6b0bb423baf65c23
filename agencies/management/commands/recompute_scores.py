"""python manage.py recompute_scores [--agency SLUG] [--sync]"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from agencies import scores, tasks
from agencies.models import Agency


class Command(BaseCommand):
    help = (
        "Recompute agency scores. Without --agency, every agency: as Celery jobs that all "
        "workers share (one per shard of SCORING_SHARD_SIZE agencies), or in this process "
        "with --sync. The platform-wide rates and the ranks are refreshed at the end."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agency", metavar="SLUG", help="Recompute this agency only.")
        parser.add_argument(
            "--sync",
            action="store_true",
            help="Compute in this process, with a progress bar, instead of queueing jobs.",
        )

    def handle(self, *args, agency: str | None, sync: bool, verbosity: int, **options) -> None:
        if agency:
            self.recompute_one(agency, sync)
        elif sync:
            self.recompute_all_here(verbosity)
        else:
            shards = len(tasks.full_recompute_shards())
            tasks.recompute_all_scores.delay()
            self.stdout.write(f"Queued the full recompute ({shards} shards).")

    def recompute_one(self, slug: str, sync: bool) -> None:
        found = Agency.objects.filter(slug=slug).values_list("pk", flat=True).first()
        if found is None:
            raise CommandError(f"No agency has the slug {slug!r}.")
        if not sync:
            tasks.recompute_agency_score.delay(found)
            self.stdout.write(f"Queued the recompute of {slug}.")
            return
        row = scores.score_recompute(agency_id=found)
        scores.ranks_refresh()
        shown = "not enough data" if row.score is None else f"{row.score:.1f}"
        self.stdout.write(f"{slug}: {shown} ({row.engagements} engagements counted).")

    def recompute_all_here(self, verbosity: int) -> None:
        today = timezone.localdate()
        shards = tasks.full_recompute_shards()
        total = sum(len(shard) for shard in shards)
        with tqdm(total=total, unit="agency", disable=verbosity == 0) as bar:
            for shard in shards:
                scores.scores_recompute_shard(agency_ids=shard, today=today, progress=bar)
        scores.scores_finish_full_recompute()
        ranked = Agency.objects.filter(score__rank__isnull=False).count()
        self.stdout.write(f"Recomputed {total} agencies; {ranked} have enough data for a rank.")
