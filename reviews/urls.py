from django.urls import path

from reviews import experience_views, views
from reviews.event_kinds import Kind

app_name = "reviews"
urlpatterns = [
    path("", views.my_experiences, name="my_experiences"),
    path("new/", experience_views.experience_new, name="experience_new"),
    path("new/<slug:slug>/", experience_views.engagement_new, name="engagement_new"),
    path("agencies/new/", experience_views.agency_new, name="agency_new"),
    path("<int:pk>/", views.timeline, name="timeline"),
    path("<int:pk>/events/", views.event_add, name="event_add"),
    path("<int:pk>/events/<int:event_pk>/", views.event_edit, name="event_edit"),
    path("<int:pk>/events/<int:event_pk>/delete/", views.event_remove, name="event_delete"),
    path("<int:pk>/review/", views.review, name="review"),
    path(
        "<int:pk>/replied/",
        views.quick_answer,
        {"kind": Kind.REPLY},
        name="quick_replied",
    ),
    path(
        "<int:pk>/silence/",
        views.quick_answer,
        {"kind": Kind.SILENCE},
        name="quick_silence",
    ),
    path("nudges/<str:token>/", views.nudge_answer, name="nudge_answer"),
]
