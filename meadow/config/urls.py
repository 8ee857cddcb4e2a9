"""URL map: pages at readable identifiers (/gbf/target/3), the API under /api/."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("meadow.config.api_urls")),
    path("", include("meadow.parties.urls")),
    path("", include("meadow.targets.urls")),
    path("", include("meadow.commitments.urls")),
    path("", include("meadow.reports.urls")),
    path("", include("meadow.stocktake.urls")),
    path("", include("meadow.places.urls")),
    path("", include("meadow.site.urls")),
    # Before the frameworks: they take every /<framework>/... address.
    path("", include("meadow.indicators.urls")),
    path("", include("meadow.frameworks.urls")),
]
