"""Settings for bench/pages.py: the site's own settings plus a trivial view to compare with.

The trivial view goes through the same middleware on the same server, so the ratio between
a page and it measures the page's own work, not the framework's.
"""

from agencyrank.settings import *  # noqa: F403

ROOT_URLCONF = "bench.pages_urls"
