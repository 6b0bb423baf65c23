"""Canonical addresses of the public pages, on SITE_URL."""

from collections.abc import Iterable
from urllib.parse import urlencode

from django.conf import settings


def absolute_url(path: str, params: Iterable[tuple[str, object]] = ()) -> str:
    """``path`` on SITE_URL, with the non-empty ``params`` as its query in the order given."""
    query = urlencode([(name, value) for name, value in params if value not in ("", None)])
    return f"{settings.SITE_URL}{path}{'?' + query if query else ''}"
