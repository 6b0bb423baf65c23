"""Account pages of our own, beside allauth's."""

app_name = "accounts"
urlpatterns: list = []
