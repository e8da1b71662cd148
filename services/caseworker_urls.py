from django.urls import path

from services import views

app_name = "caseworker"

urlpatterns = [
    path("", views.referral_list, name="referral-list"),
    path("referrals/new/", views.referral_create, name="referral-create"),
    path("referrals/<uuid:referral_id>/", views.referral_detail, name="referral-detail"),
    path("organisations/<int:organisation_id>/audit/", views.referral_audit, name="referral-audit"),
    path("statistics/", views.referral_statistics, name="referral-statistics"),
    path("statistics/chart.svg", views.referral_chart, name="referral-chart"),
]
