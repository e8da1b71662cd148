from django.urls import path

from registration import views

app_name = "registration"

urlpatterns = [
    path("", views.checklist, name="index"),
    path("request-form.pdf", views.request_form, name="request-form"),
    path("verify/", views.verify, name="verify"),
    path("counter/", views.counter, name="counter"),
    path("statistics/", views.statistics, name="statistics"),
]
