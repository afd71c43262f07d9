from django.contrib import admin
from django.urls import include, path

from config import views

admin.site.site_header = "Section 55 Tracker"
admin.site.site_title = "Section 55 Tracker"
admin.site.index_title = "Data entry"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("", include("responses.urls")),
    path("", include("notifications.urls")),
    path("exports/", include("audit.urls")),
]
