"""The site's URLs plus ``/bench/trivial/``, the ceiling bench/pages.py compares pages with."""

from django.http import HttpResponse
from django.urls import path

from agencyrank.urls import urlpatterns as site_urlpatterns


def trivial(request):
    """The least a Django view can do: no query, no template."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial, name="bench_trivial"), *site_urlpatterns]
