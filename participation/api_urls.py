from django.urls import path

from participation import api

app_name = "participation-api"

urlpatterns = [
    path("processes/", api.ProcessListApi.as_view(), name="process-list"),
    path("processes/<slug:slug>/projects/", api.ProjectListApi.as_view(), name="project-list"),
    path("processes/<slug:slug>/results/", api.ResultListApi.as_view(), name="result-list"),
    path("processes/<slug:slug>/ballots/", api.BallotCastApi.as_view(), name="ballot-cast"),
]
