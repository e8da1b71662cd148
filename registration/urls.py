from django.urls import path

from portal.views import ModulePlaceholderView

app_name = "registration"

urlpatterns = [
    path("", ModulePlaceholderView.as_view(module_slug="register"), name="index"),
]
