"""Whole-response caching of the public pages and the public API, and its invalidation.

Who gets a cached page: a GET or HEAD request carrying neither a session cookie nor a
messages cookie. Such a visitor is anonymous and has no message waiting, so the page they
get is the one every anonymous visitor in their language gets. Signed-in users, and anyone
with a message pending, always get a freshly rendered page. A rendering that set a cookie,
changed the session or asked for a CSRF token is never stored, so a per-visitor value cannot
reach someone else. The public API has no sessions at all: its rendered JSON is cached for
every client, inside the DRF views so that throttling still runs on each request.

Invalidation: one "public data generation" number lives in the cache. Every write that
changes what the public pages show calls ``public_data_changed()``, which bumps the number
when the transaction commits (at once outside a transaction). Each entry carries the
generation it was rendered at, and an entry from another generation is ignored. Bumping
before the commit would be wasted: a page rendered while the transaction is still open shows
the data before it, would be stored under the new number and outlive the commit. The
generation and the entry are read together, so a hit is one cache round trip and no database
query.

With the default in-memory cache, every process keeps its own entries and generation: a
change made in one process (a background worker) reaches the pages another serves only when
their entries expire. Set ``REDIS_URL`` when more than one process serves the site or runs
jobs. ``PUBLIC_PAGE_CACHE_SECONDS`` sets how long entries live; 0 turns caching off.

Each distinct query string is its own entry, so a crawler can fill the cache with useless
ones: give Redis a ``maxmemory`` with an LRU policy. An evicted generation restarts from the
clock, so it never matches an entry stamped before the eviction.
"""

import hashlib
import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from agencyrank.cache import ClientKeepingRedisCache
from agencyrank.ratelimits import window_count

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)

GENERATION_KEY = "public-data:generation"
# What a public page's content depends on besides its URL: the session (signed in or not,
# messages) and the language.
VARY = ("Cookie", "Accept-Language")
SAFE_METHODS = frozenset({"GET", "HEAD"})


def _fresh_generation() -> int:
    # Nanoseconds since the epoch: far above any number an earlier generation reached by
    # bumps, so a restarted generation never matches an entry stamped before.
    return time.time_ns()


def bump_public_data_generation() -> None:
    """Make every cached public page and API response stale, atomically across processes."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet, or evicted
        if not cache.add(GENERATION_KEY, _fresh_generation(), timeout=None):
            cache.incr(GENERATION_KEY)  # another process started one meanwhile


class _GenerationBump:
    """Bump the generation, logging rather than raising; also a transaction's on-commit bump."""

    def __call__(self) -> None:
        try:
            bump_public_data_generation()
        except Exception:
            logger.warning("could not mark the public pages stale", exc_info=True)


def public_data_changed() -> None:
    """Mark the public pages stale once the current transaction commits (at once outside one).

    Call it from any write to what a public page or the API shows. However often one
    transaction calls it, it bumps once, on commit. A cache outage while bumping is logged,
    not raised: the write goes through, and entries expire on their own.
    """
    if not connection.in_atomic_block:
        _GenerationBump()()
    elif not any(
        isinstance(callback, _GenerationBump) for _, callback, _ in connection.run_on_commit
    ):
        transaction.on_commit(_GenerationBump())


def _key(kind: str, *parts: str) -> str:
    # Hashed: a URL may be long or hold characters some cache backends refuse in keys.
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"public-{kind}:{digest}"


def _lookup(key: str, found: dict | None = None) -> tuple[int | None, tuple | None]:
    """(current generation, the entry at ``key`` if it is of that generation); one round trip,
    none when ``found`` holds what the cache gave for both already."""
    try:
        if found is None:
            found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
            return cache.get(GENERATION_KEY), None
    except Exception:  # an unreachable cache means no caching, never a failed page
        logger.warning("public page cache unavailable", exc_info=True)
        return None, None
    entry = found.get(key)
    if entry is None or entry[0] != generation:
        return generation, None
    return generation, entry


def _store(key: str, generation: int | None, response: HttpResponse) -> None:
    """Keep ``response``'s status, the headers its view set and its bytes at ``key``, under
    ``generation``, unless the cache did not say which generation is current."""
    if generation is None:
        return
    # Vary is the middleware's and the cache's own, added to every response, cached or not.
    headers = {k: v for k, v in response.items() if k.lower() != "vary"}
    try:
        cache.set(
            key,
            (generation, response.status_code, headers, response.content),
            timeout=settings.PUBLIC_PAGE_CACHE_SECONDS,
        )
    except Exception:
        logger.warning("public page cache unavailable", exc_info=True)


def _response_of(entry: tuple) -> HttpResponse:
    """The response kept in a cache ``entry``."""
    _, status, headers, content = entry
    return HttpResponse(content, status=status, headers=headers)


def shareable_request(request: HttpRequest) -> bool:
    """True when ``request`` would get the same page as any anonymous visitor."""
    # An emptied cookie (as a browser may send back after sign-out) holds no session and no
    # message.
    return (
        request.method in SAFE_METHODS
        and not request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        and not request.COOKIES.get(CookieStorage.cookie_name)
    )


def _shareable_response(request: HttpRequest, response: HttpResponse) -> bool:
    """True when nothing in ``response`` belongs to the visitor who asked for it."""
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # a CSRF token was rendered
        and not (session is not None and session.modified)
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def cached_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve ``view``'s page from the cache to anonymous visitors; everyone else gets it fresh.

    The key is the active language and the full path with its query string. Only 200
    responses are stored, with the headers the view itself set (the middleware adds theirs
    to every response, cached or not).
    """

    @wraps(view)
    def cached_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not settings.PUBLIC_PAGE_CACHE_SECONDS or not shareable_request(request):
            response = view(request, *args, **kwargs)
        else:
            key = _key("page", get_language() or "", request.get_full_path())
            generation, entry = _lookup(key)
            if entry is not None:
                response = _response_of(entry)
            else:
                response = view(request, *args, **kwargs)
                if isinstance(response, SimpleTemplateResponse):
                    response.render()
                if _shareable_response(request, response):
                    _store(key, generation, response)
        patch_vary_headers(response, VARY)
        return response

    return cached_view


def cached_api_response(view: "APIView", respond: Callable[[], HttpResponse]) -> HttpResponse:
    """The response ``respond`` gives, rendered once and its bytes cached for every client.

    Called inside a DRF view's handler, after DRF's throttles have counted the request and
    its content negotiation has chosen a renderer. The key is the absolute URL and the media
    type accepted (which sets the JSON's indent). Only 200 responses in JSON are stored, with
    the headers the view set; DRF adds its own (Allow, Vary) to a hit as to any response. Any
    other renderer's output (an HTML page carries the visitor's request) is never stored.
    """
    request = view.request
    key = _api_key(request)
    if key is None:
        return respond()
    # The throttle may have read the entry already, in the round trip that counted the request.
    prefetched = getattr(request, "api_cache_found", None)
    found = prefetched[1] if prefetched is not None and prefetched[0] == key else None
    renderer = request.accepted_renderer
    generation, entry = _lookup(key, found)
    if entry is not None:
        return _response_of(entry)
    response = respond()
    if isinstance(response, Response) and response.status_code == 200:
        # Rendered here as DRF would render it after the view: DRF does not render it again.
        response.accepted_renderer = renderer
        response.accepted_media_type = request.accepted_media_type
        response.renderer_context = view.get_renderer_context()
        response.render()
        _store(key, generation, response)
    return response


def _api_key(request: "Request") -> str | None:
    """The API cache's key for ``request`` after DRF's content negotiation; None where the
    answer is never cached (cache off, or a renderer other than JSON)."""
    renderer = getattr(request, "accepted_renderer", None)
    if not settings.PUBLIC_PAGE_CACHE_SECONDS or not isinstance(renderer, JSONRenderer):
        return None
    # Absolute: paginated data holds absolute links to the next and previous pages.
    return _key("api", request.accepted_media_type, request.build_absolute_uri())


def api_request_count(request: "Request", counter: str, lifetime: int) -> int:
    """Count ``request`` at ``counter`` (``window_count``); with the site's Redis cache, also
    read its cached API answer in the same round trip, for ``cached_api_response``.

    The throttle runs just before the view, and a hit then costs one Redis round trip
    instead of two: about a tenth of serving a cached answer.
    """
    store = caches["default"]
    key = _api_key(request)
    if key is None or not isinstance(store, ClientKeepingRedisCache):
        return window_count(counter, lifetime)
    count, found = store.count_and_get_many(counter, lifetime, [GENERATION_KEY, key])
    request.api_cache_found = (key, found)
    return count


class PublicDataAdminMixin:
    """For admins of models that public pages show: any change there makes them stale."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        public_data_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        public_data_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        public_data_changed()
