from django.urls import path

from discrimination import views

app_name = "office"

urlpatterns = [
    path("", views.office_queue, name="queue"),
    path("reports/<uuid:report_id>/", views.office_report, name="report-detail"),
    path("forwarded/", views.forwarded_list, name="forwarded-list"),
    path("forwarded/<uuid:report_id>/", views.forwarded_detail, name="forwarded-detail"),
]
