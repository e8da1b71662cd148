from django.urls import path

from rights_guide import api

app_name = "guide-api"

urlpatterns = [
    path("topics/", api.GuideTopicListApi.as_view(), name="topic-list"),
    path("articles/", api.GuideArticleListApi.as_view(), name="article-list"),
]
