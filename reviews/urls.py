from django.urls import path

from reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.my_experiences, name="my_experiences"),
    path("nudges/<str:token>/", views.nudge_answer, name="nudge_answer"),
]
