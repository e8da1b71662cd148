from django.urls import path

from portal.accounts import views

app_name = "account"

urlpatterns = [
    path("two-factor/", views.two_factor, name="two-factor"),
    path("sign-out/", views.sign_out, name="sign-out"),
]
