from django.urls import path

from services import views

app_name = "services"

urlpatterns = [
    path("", views.service_search, name="index"),
    path("<uuid:service_id>/", views.service_detail, name="service-detail"),
    path("<uuid:service_id>/report/", views.service_report_outdated, name="service-report"),
]
