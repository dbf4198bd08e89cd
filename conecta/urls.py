from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from . import views

admin.site.site_header = _("Conecta Pastaza · staff")
admin.site.site_title = _("Conecta Pastaza")
admin.site.index_title = _("Action plan administration")

urlpatterns = [
    path("", views.root_redirect, name="root"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
urlpatterns += i18n_patterns(
    path("", include("commitments.urls")),
    prefix_default_language=True,
)

handler404 = "conecta.views.page_not_found"
handler500 = "conecta.views.server_error"

# Evidence files. Behind a reverse proxy, let it serve MEDIA_ROOT at /media/ and this route is never reached.
urlpatterns += [
    re_path(r"^media/(?P<path>.+)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
