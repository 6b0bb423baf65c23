from django.urls import path

from reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.my_experiences, name="my_experiences"),
]
