from django.urls import path

from agencies import list_views, views

app_name = "agencies"
urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("<slug:slug>/", views.agency_detail, name="detail"),
    path("<slug:slug>/mark/", list_views.agency_mark, name="mark"),
]
