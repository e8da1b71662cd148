from django.urls import path

from portal.views import ModulePlaceholderView

app_name = "services"

urlpatterns = [
    path("", ModulePlaceholderView.as_view(module_slug="services"), name="index"),
]
