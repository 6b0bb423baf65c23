from django.urls import path

from agencies import views

app_name = "agencies"
urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("<slug:slug>/", views.agency_detail, name="detail"),
]
