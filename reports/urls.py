from django.urls import URLPattern, URLResolver, path

from reports import views

app_name = "reports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/panel/", views.panel, name="panel"),
    path("reports/panel.pdf", views.panel_download_pdf, name="panel_pdf"),
    path("reports/panel.xlsx", views.panel_download_xlsx, name="panel_xlsx"),
    # Before responses.urls' /published/<slug>/ in config/urls.py, which would otherwise take "progress" for a slug.
    path("published/progress/", views.published_progress, name="published_progress"),
]
