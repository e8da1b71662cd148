from django.urls import path

from rights_guide import views

app_name = "rights_guide"

urlpatterns = [
    path("", views.GuideIndexView.as_view(), name="index"),
    path("questions/", views.questionnaire, name="questionnaire"),
    path("search/", views.search, name="search"),
    path("booklet.pdf", views.booklet_download, name="booklet"),
    path("<slug:topic_slug>/", views.TopicView.as_view(), name="topic"),
    path("<slug:topic_slug>/booklet.pdf", views.booklet_download, name="topic-booklet"),
    path("<slug:topic_slug>/<slug:slug>/", views.ArticleView.as_view(), name="article"),
]
