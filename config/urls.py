import sys

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views import defaults

from accounts.forms import AdminSignInForm
from config import views

admin.site.site_header = "Section 55 Tracker"
admin.site.site_title = "Section 55 Tracker"
admin.site.index_title = "Data entry"
admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    # Before responses: its /published/<slug>/ would take /published/progress/ for a response's address.
    path("", include("reports.urls")),
    path("", include("responses.urls")),
    path("", include("notifications.urls")),
    path("", include("intake.urls")),
    path("", include("forcecomments.urls")),
    path("", include("actions.urls")),
    path("", include("office.urls")),
    path("exports/", include("exports.urls")),
]

handler400 = "config.urls.bad_request"
handler403 = "config.urls.permission_denied"
handler404 = "config.urls.page_not_found"
handler500 = "config.urls.server_error"


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return defaults.bad_request(request, exception, template_name="errors/400.html")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return defaults.permission_denied(request, exception, template_name="errors/403.html")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return defaults.page_not_found(request, exception, template_name="errors/404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception: one raised because the database cannot be reached (by a
    # middleware; config.middleware.DatabaseUnavailableMiddleware answers views') is the 503 page.
    exception = sys.exception()
    if isinstance(exception, views.DATABASE_UNAVAILABLE):
        return views.service_unavailable(request)  # Django logs the exception itself
    return defaults.server_error(request, template_name="errors/500.html")
