from django.urls import path

from services import api

app_name = "referrals-api"

urlpatterns = [
    path("", api.ReferralListCreateApi.as_view(), name="referral-list"),
    path("<uuid:referral_id>/", api.ReferralDetailApi.as_view(), name="referral-detail"),
    path(
        "<uuid:referral_id>/transitions/",
        api.ReferralTransitionApi.as_view(),
        name="referral-transition",
    ),
    path("<uuid:referral_id>/notes/", api.ReferralNoteCreateApi.as_view(), name="referral-note"),
]
