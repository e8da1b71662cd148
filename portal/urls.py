from csp.decorators import csp_update
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal import views
from registration import api as registration_api

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script (CSP). Its
    # template has one <style> element: inline styles are allowed on this page only.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="api-docs",
    ),
    path("api/v1/guide/", include("rights_guide.api_urls")),
    path("api/v1/participation/", include("participation.api_urls")),
    path("api/v1/councils/", include("participation.council_api_urls")),
    path("api/v1/referrals/", include("services.api_urls")),
    path("api/hsds/", include("services.hsds_urls")),
    path(
        "api/v1/registration/verify/",
        registration_api.AttestationVerifyApi.as_view(),
        name="registration-verify-api",
    ),
]

urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path("guide/", include("discrimination.urls")),  # report/ and observatory/ first
    path("guide/", include("rights_guide.urls")),
    path("services/", include("services.urls")),
    path("caseworker/", include("services.caseworker_urls")),
    path("office/", include("discrimination.office_urls")),
    path("register/", include("registration.urls")),
    path("participate/", include("participation.urls")),
    path("account/", include("portal.accounts.urls")),
    path("translate/", include("portal.i18n.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

if settings.SERVE_MEDIA:  # development only: nginx serves /media/ in production
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", views.media)]

handler400 = views.bad_request
handler403 = views.permission_denied
handler404 = views.page_not_found
handler500 = views.server_error
