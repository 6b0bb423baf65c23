"""The site's URLs plus the two reference views bench/pages.py compares pages with.

``/bench/trivial/`` is the ceiling: the least a Django view can do. ``/bench/bare/`` is the
bare page the performance targets were set against: one indexed query and a 50-row
template, with no site header, footer or form.
"""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from agencies.models import Agency
from agencyrank.urls import urlpatterns as site_urlpatterns

BARE_PAGE = engines["django"].from_string(
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Agencies</title>'
    "</head><body><table>{% for agency in agencies %}<tr>"
    '<td><a href="/agencies/{{ agency.slug }}/">{{ agency.name }}</a></td>'
    "<td>{{ agency.city }}</td><td>{{ agency.country }}</td></tr>{% endfor %}"
    "</table></body></html>"
)


def trivial(request):
    """The least a Django view can do: no query, no template."""
    return HttpResponse(b"ok", content_type="text/plain")


def bare(request):
    """One indexed query (the primary key's order) and a 50-row template."""
    agencies = Agency.objects.order_by("pk").values("slug", "name", "city", "country")[:50]
    return HttpResponse(BARE_PAGE.render({"agencies": agencies}, request))


urlpatterns = [
    path("bench/trivial/", trivial, name="bench_trivial"),
    path("bench/bare/", bare, name="bench_bare"),
    *site_urlpatterns,
]
