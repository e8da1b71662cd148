"""/api/hsds/: the directory's Open Referral HSDS 3.0 API. The specification's paths have
no trailing slash; the same paths with one answer too (left out of the API schema)."""

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.views import APIView

from services import hsds_api

app_name = "hsds"


def _both(route: str, view: type[APIView], name: str) -> list[URLPattern]:
    """The route without and with a trailing slash; only the first is documented."""
    undocumented = extend_schema_view(get=extend_schema(exclude=True))(
        type(f"{view.__name__}TrailingSlash", (view,), {})
    )
    return [
        path(route, view.as_view(), name=name),
        path(f"{route}/", undocumented.as_view()),
    ]


urlpatterns = [
    path("", hsds_api.HsdsRootApi.as_view(), name="root"),
    *_both("profile", hsds_api.HsdsProfileApi, "profile"),
    *_both("services", hsds_api.HsdsServiceListApi, "service-list"),
    *_both("services/<str:pk>", hsds_api.HsdsServiceDetailApi, "service-detail"),
    *_both("organizations", hsds_api.HsdsOrganizationListApi, "organization-list"),
    *_both("organizations/<str:pk>", hsds_api.HsdsOrganizationDetailApi, "organization-detail"),
    *_both(
        "service_at_locations",
        hsds_api.HsdsServiceAtLocationListApi,
        "service-at-location-list",
    ),
    *_both(
        "service_at_locations/<str:pk>",
        hsds_api.HsdsServiceAtLocationDetailApi,
        "service-at-location-detail",
    ),
    *_both("taxonomies", hsds_api.HsdsTaxonomyListApi, "taxonomy-list"),
    *_both("taxonomies/<str:pk>", hsds_api.HsdsTaxonomyDetailApi, "taxonomy-detail"),
    *_both("taxonomy_terms", hsds_api.HsdsTaxonomyTermListApi, "taxonomy-term-list"),
    *_both("taxonomy_terms/<str:pk>", hsds_api.HsdsTaxonomyTermDetailApi, "taxonomy-term-detail"),
]
