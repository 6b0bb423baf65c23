"""Account pages of our own, beside allauth's."""

from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("delete/", views.delete, name="delete"),
]
