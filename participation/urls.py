from django.urls import path

from participation import views

app_name = "participation"

urlpatterns = [
    path("", views.index, name="index"),
    # The council's pages come first: a budget's slug cannot shadow them.
    path("council/<slug:council_slug>/", views.council_detail, name="council"),
    path(
        "council/<slug:council_slug>/calendar.ics", views.council_calendar, name="council-calendar"
    ),
    path(
        "council/<slug:council_slug>/meetings/<int:meeting_id>/",
        views.meeting_detail,
        name="meeting",
    ),
    path(
        "council/<slug:council_slug>/meetings/<int:meeting_id>.ics",
        views.meeting_calendar,
        name="meeting-calendar",
    ),
    path(
        "council/<slug:council_slug>/recommendations/",
        views.recommendation_list,
        name="recommendations",
    ),
    path(
        "council/<slug:council_slug>/recommendations/<int:recommendation_id>/",
        views.recommendation_detail,
        name="recommendation",
    ),
    path("council/<slug:council_slug>/follow/", views.follow, name="follow"),
    path("follow/confirm/<str:token>/", views.subscription_confirm, name="subscription-confirm"),
    path("follow/stop/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("<slug:slug>/", views.process_detail, name="process"),
    path("<slug:slug>/propose/", views.propose, name="propose"),
    path("<slug:slug>/vote/", views.vote, name="vote"),
    path("<slug:slug>/proposals/<int:proposal_id>/support/", views.support, name="support"),
    path("<slug:slug>/receipt/", views.receipt, name="receipt"),
    path("<slug:slug>/results/", views.results, name="results"),
    path("<slug:slug>/ballots/", views.ballots, name="ballots"),
    path("<slug:slug>/results/<slug:district_slug>.pb", views.export_pb, name="export"),
    path("<slug:slug>/officer/", views.officer, name="officer"),
    path("<slug:slug>/officer/codes/", views.officer_codes, name="officer-codes"),
    path("<slug:slug>/officer/paper/", views.officer_paper, name="officer-paper"),
]
