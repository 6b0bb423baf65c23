"""URLs of the representatives' pages (under /representatives/) and of the moderators' claim
page (under /moderation/claims/, a staff page like the rest of /moderation/)."""

from django.urls import path

from agencies import representative_views as views

app_name = "representatives"
urlpatterns = [
    path("", views.index, name="index"),
    path("claim/<slug:slug>/", views.claim, name="claim"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/reviews/<int:pk>/reply/", views.reply, name="reply"),
    path("<slug:slug>/reviews/<int:pk>/dispute/", views.dispute, name="dispute"),
]

# Mounted at /moderation/claims/.
moderation_urlpatterns = (
    [
        path("", views.claims_queue, name="queue"),
        path("<int:pk>/<slug:action>/", views.claim_decision, name="decision"),
    ],
    "moderation_claims",
)
