"""URLs of the moderation pages (under /moderation/) and of the public report pages."""

from django.urls import path

from reviews import moderation_merge_views, report_views
from reviews import moderation_views as views

app_name = "moderation"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("log/", views.log, name="log"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/<int:pk>/decision/", views.review_decision, name="review_decision"),
    path("reviews/<int:pk>/reply/remove/", views.reply_removal, name="reply_remove"),
    path("engagements/<int:pk>/", views.engagement_detail, name="engagement"),
    path("engagements/<int:pk>/<slug:action>/", views.engagement_action, name="engagement_action"),
    path("accounts/<int:pk>/<slug:action>/", views.account_action, name="account_action"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency"),
    path("agencies/<int:pk>/held/", views.agency_held, name="agency_held"),
    path("agencies/<int:pk>/release/", views.agency_release, name="agency_release"),
    path("agencies/<int:pk>/merge/", moderation_merge_views.agency_merge, name="agency_merge"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
]

# Mounted at /reports/: for any signed-in account, outside the staff area.
report_urlpatterns = (
    [
        path("reviews/<int:pk>/", report_views.report_review, name="review"),
        path("replies/<int:pk>/", report_views.report_reply, name="reply"),
    ],
    "reports",
)
