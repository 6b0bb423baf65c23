"""The candidate's own data: import and export."""

app_name = "reviews_data"
urlpatterns: list = []
