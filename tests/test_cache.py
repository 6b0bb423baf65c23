"""The Redis cache the site runs with when REDIS_URL is set (agencyrank/cache.py)."""

import threading

from django.core.cache import caches

from agencyrank.ratelimits import window_count

BACKEND = "agencyrank.cache.ClientKeepingRedisCache"


def test_the_redis_cache_stores_adds_counts_and_forgets(redis_url, settings):
    settings.CACHES = {"default": {"BACKEND": BACKEND, "LOCATION": redis_url}}
    cache = caches["default"]

    cache.set("page", {"html": "<p>Hi</p>"}, timeout=60)
    assert cache.get("page") == {"html": "<p>Hi</p>"}
    assert cache.add("page", "other", timeout=60) is False
    assert cache.add("counter", 1, timeout=60) is True
    assert cache.incr("counter") == 2
    assert cache.get_many(["page", "counter", "missing"]) == {
        "page": {"html": "<p>Hi</p>"},
        "counter": 2,
    }
    cache.delete("page")
    assert cache.get("page") is None


def test_the_redis_cache_reuses_its_client_and_serves_other_threads(redis_url, settings):
    settings.CACHES = {"default": {"BACKEND": BACKEND, "LOCATION": redis_url}}
    cache = caches["default"]
    cache.set("warm", 1)
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client

    seen = []
    thread = threading.Thread(target=lambda: seen.append(caches["default"].get("warm")))
    thread.start()
    thread.join()
    assert seen == [1]


def test_a_window_counter_counts_in_redis_and_gives_back_through_the_cache(redis_url, settings):
    settings.CACHES = {"default": {"BACKEND": BACKEND, "LOCATION": redis_url}}
    cache = caches["default"]

    assert [window_count("tries", 60) for _ in range(3)] == [1, 2, 3]
    cache.decr("tries")  # as a refund gives one back
    assert window_count("tries", 60) == 3
    assert cache.get("tries") == 3
    # It lasts from its first count: later counts do not push its expiry back.
    assert 0 < cache._cache.get_client().ttl(cache.make_key("tries")) <= 60


def test_counting_and_reading_together_treats_an_unreadable_value_as_missing(redis_url, settings):
    settings.CACHES = {"default": {"BACKEND": BACKEND, "LOCATION": redis_url}}
    cache = caches["default"]
    cache.set("answer", {"agencies": 2})
    # A value the site cannot unpickle (written by other code, say): a miss, not an error.
    cache._cache.get_client(write=True).set(cache.make_and_validate_key("garbled"), b"\x80bad")
    count, found = cache.count_and_get_many("counter", 60, ["answer", "garbled", "absent"])
    assert count == 1
    assert found == {"answer": {"agencies": 2}}
    assert cache.count_and_get_many("counter", 60, [])[0] == 2
