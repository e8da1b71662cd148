from django.urls import path

from participation import views

app_name = "participation"

urlpatterns = [
    path("", views.index, name="index"),
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
