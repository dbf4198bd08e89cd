from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from commitments.sitemaps import CantonSitemap, CommitmentSitemap, InstitutionSitemap
from meetings.sitemaps import MeetingSitemap
from opendata.api.views import api_docs
from opendata.sitemaps import DatasetSitemap
from reports.sitemaps import ReportSitemap
from roads.sitemaps import RoadRequestSitemap, RoadWorkSitemap
from surveys.sitemaps import SurveySitemap

from . import favicon, twofactor, views
from .cache import public_page
from .sitemaps import StaticViewSitemap

admin.site.site_header = _("Conecta Pastaza · staff")
admin.site.site_title = _("Conecta Pastaza")
admin.site.index_title = _("Action plan administration")

sitemaps = {
    "pages": StaticViewSitemap,
    "commitments": CommitmentSitemap,
    "institutions": InstitutionSitemap,
    "cantons": CantonSitemap,
    "meetings": MeetingSitemap,
    "surveys": SurveySitemap,
    "reports": ReportSitemap,
    "roads": RoadWorkSitemap,
    "road-requests": RoadRequestSitemap,
    "open-data": DatasetSitemap,
}

urlpatterns = [
    path("", views.root_redirect, name="root"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", favicon.favicon, name="favicon"),
    path("sitemap.xml", public_page(sitemap, params=("p",)), {"sitemaps": sitemaps}, name="sitemap"),
    # Before the admin's own URLs (its catch-all would take it): the second factor of staff sign-in.
    path("admin/second-factor/", twofactor.second_factor, name="second_factor"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("roads.api_urls")),
    path("api/v1/", include("opendata.api.urls")),
    path("", include("opendata.file_urls")),
    path("", include("kichwa.file_urls")),
]
urlpatterns += i18n_patterns(
    path("", include("commitments.urls")),
    path("", include("meetings.urls")),
    path("", include("feedback.urls")),
    path("participa/encuestas/", include("surveys.urls")),
    path("", include("roads.urls")),
    path("", include("reports.urls")),
    path("datos/", include("opendata.urls")),
    path("alertas/", include("alerts.urls")),
    path("kichwa/", include("kichwa.urls")),
    path("api/", api_docs, name="api_docs"),
    path("accesibilidad/", views.static_page, {"template": "conecta/accessibility.html"}, name="accessibility"),
    path("privacidad/", views.static_page, {"template": "conecta/privacy.html"}, name="privacy"),
    prefix_default_language=True,
)

handler400 = "conecta.views.bad_request"
handler404 = "conecta.views.page_not_found"
handler500 = "conecta.views.server_error"

# Nothing under MEDIA_ROOT is served directly (here or by a reverse proxy): evidence files are served by
# commitments.views.evidence_file, only for published evidence and with headers that keep them from running.
