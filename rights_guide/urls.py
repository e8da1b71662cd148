from django.urls import path

from portal.views import ModulePlaceholderView

app_name = "rights_guide"

urlpatterns = [
    path("", ModulePlaceholderView.as_view(module_slug="guide"), name="index"),
]
