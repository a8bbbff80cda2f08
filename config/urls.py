"""Top-level URL wiring; each app owns its own urls.py."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from catalog import seo
from catalog import views as catalog_views
from ops import views as ops_views

admin.site.site_header = "Compound Catalog administration"
admin.site.site_title = "Compound Catalog admin"
admin.site.index_title = "Catalog"

urlpatterns = [
    path("", catalog_views.home, name="home"),
    path("compounds/", include("catalog.urls")),
    path("about/data/", catalog_views.about_data, name="about-data"),
    path("calculator/", include("calculator.urls")),
    path("api/calculator/", include("calculator.api_urls")),
    path("api/compounds/", include("catalog.api_urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("healthz", ops_views.healthz, name="healthz"),
    path("favicon.ico", ops_views.favicon, name="favicon"),
    path("robots.txt", seo.robots_txt, name="robots-txt"),
    path("sitemap.xml", seo.sitemap, name="sitemap"),
    path("sitemap-<section>.xml", seo.sitemap_section, name="sitemap-section"),
]

# A page for a visitor, JSON for a request under /api/ (ops.api.is_api_request).
handler400 = "ops.views.bad_request"
handler403 = "ops.views.permission_denied"
handler404 = "ops.views.page_not_found"
handler500 = "ops.views.server_error"
