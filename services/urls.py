from django.urls import path

from portal.views import ModulePlaceholderView
from services import views

app_name = "services"

urlpatterns = [
    # The directory search is the service-directory issue; until then the page says so.
    path("", ModulePlaceholderView.as_view(module_slug="services"), name="index"),
    path("<uuid:service_id>/", views.service_detail, name="service-detail"),
]
