"""The sitemap at /sitemap.xml: the site's public pages and every listed agency's page."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from agencies.models import Agency


class _SiteUrlSitemap(Sitemap):
    """A sitemap whose addresses use SITE_URL's scheme and host, whatever host was asked."""

    @property
    def protocol(self) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        # The sitemap view joins protocol, domain and path: a SITE_URL served under a path
        # prefix keeps it.
        parts = urlsplit(settings.SITE_URL)
        return parts.netloc + parts.path


class PageSitemap(_SiteUrlSitemap):
    """The site's own public pages."""

    def items(self) -> list[str]:
        return ["home", "agencies:ranking", "how_scores_work", "how_we_verify"]

    def location(self, item: str) -> str:
        return reverse(item)


class AgencySitemap(_SiteUrlSitemap):
    """Every listed agency's page, last modified when its score was last written."""

    def items(self) -> list[tuple[str, object]]:
        # One query of two columns: the sitemap lists every agency in one page.
        return list(Agency.objects.listed().order_by("pk").values_list("slug", "score__updated_at"))

    def location(self, item: tuple[str, object]) -> str:
        return reverse("agencies:detail", kwargs={"slug": item[0]})

    def lastmod(self, item: tuple[str, object]):
        return item[1]


SITEMAPS = {"pages": PageSitemap, "agencies": AgencySitemap}
