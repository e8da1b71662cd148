from django.urls import path

from participation import api

app_name = "councils-api"

urlpatterns = [
    path("", api.CouncilListApi.as_view(), name="council-list"),
    path("<slug:council_slug>/meetings/", api.MeetingListApi.as_view(), name="meeting-list"),
    path(
        "<slug:council_slug>/recommendations/",
        api.RecommendationListApi.as_view(),
        name="recommendation-list",
    ),
]
