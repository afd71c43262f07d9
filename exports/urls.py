from django.urls import path

from exports import views

# Included at /exports/ by config/urls.py.
urlpatterns = [
    path("register.csv", views.export_register, {"file_format": "csv"}, name="export_register"),
    path("register.xlsx", views.export_register, {"file_format": "xlsx"}, name="export_register_xlsx"),
    path("audit.csv", views.export_audit, name="export_audit"),
]
