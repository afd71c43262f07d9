from django.urls import URLPattern, URLResolver, path

from actions import views

app_name = "actions"

urlpatterns: list[URLPattern | URLResolver] = [
    path("actions/", views.action_list, name="action_list"),
    path("actions/bulk/", views.action_bulk, name="action_bulk"),
    path("actions/export.csv", views.action_export_csv, name="action_export_csv"),
    path("actions/export.xlsx", views.action_export_xlsx, name="action_export_xlsx"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
]
