from django.urls import path

from discrimination import views

app_name = "discrimination"

urlpatterns = [
    path("report/", views.report_form, name="report"),
    path("report/follow-up/", views.follow_up, name="follow-up"),
    path("observatory/", views.observatory, name="observatory"),
    path("observatory/data.csv", views.observatory_csv, name="observatory-csv"),
    path("observatory/data.json", views.observatory_json, name="observatory-json"),
    path("observatory/<slug:table>.svg", views.observatory_chart, name="observatory-chart"),
]
