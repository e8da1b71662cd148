from django.urls import path

from portal.i18n import views

app_name = "i18n"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<str:language>/", views.segment_list, name="segment-list"),
    path("<str:language>/<int:segment_id>/", views.segment_edit, name="segment-edit"),
    path("<str:language>/export.po", views.export, {"kind": "po"}, name="export-po"),
    path("<str:language>/export.xlf", views.export, {"kind": "xliff"}, name="export-xliff"),
    path("<str:language>/import/", views.import_file, name="import"),
]
