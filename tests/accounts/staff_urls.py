"""The site's URLs plus two staff areas: one by namespace, one by its /moderation/ path."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse
from django.urls import include, path

from agencyrank.urls import urlpatterns as site_urlpatterns


@staff_member_required
def staff_page(request):
    return HttpResponse("For staff only.")


urlpatterns = [
    path("staff-area/", include(([path("", staff_page, name="page")], "staff"))),
    path("moderation/queue/", staff_page, name="moderation_queue_example"),
    *site_urlpatterns,
]
