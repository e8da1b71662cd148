from django.urls import path

from portal.views import ModulePlaceholderView

app_name = "participation"

urlpatterns = [
    path("", ModulePlaceholderView.as_view(module_slug="participate"), name="index"),
]
