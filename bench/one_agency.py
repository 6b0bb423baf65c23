"""One agency's score recompute, as a job runs it after a change, on an existing database.

Times ``agencies.scores.score_recompute`` over random agencies of whatever database
``DATABASE_URL`` names (bench/scoring.py measures the same on its own seeded data set; this
one reuses, say, bench/pages.py's) and prints the median and the 95th percentile. It writes
score rows, so point it at a bench database only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/agencyrank_pagebench \\
    REDIS_URL=redis://127.0.0.1:6379/11 .venv/bin/python bench/one_agency.py
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agencyrank.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=200, help="how many to time")
    parser.add_argument("--seed", type=int, default=7, help="which random agencies")
    args = parser.parse_args()

    import django

    django.setup()
    from agencies.models import Agency
    from agencies.scores import score_recompute

    ids = list(Agency.objects.values_list("pk", flat=True))
    sample = random.Random(args.seed).sample(ids, min(args.agencies, len(ids)))
    score_recompute(agency_id=sample[0])  # connections and caches warm
    times = []
    for agency_id in sample:
        started = time.perf_counter()
        score_recompute(agency_id=agency_id)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(
        f"one agency, {len(times)} agencies: median {statistics.median(times):.1f} ms, "
        f"p95 {p95:.1f} ms, slowest {times[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
