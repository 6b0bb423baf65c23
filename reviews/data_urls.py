"""The candidate's own data: import and export."""

from django.urls import path

from reviews import import_views

app_name = "reviews_data"
urlpatterns = [
    path("import/", import_views.import_upload, name="import"),
    path("import/confirm/", import_views.import_confirm, name="import_confirm"),
    path("import/template.csv", import_views.import_template, name="import_template"),
    path("export.csv", import_views.export_csv, name="export_csv"),
    path("export.json", import_views.export_json, name="export_json"),
]
