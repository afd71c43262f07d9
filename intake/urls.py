from django.urls import path

from intake import views

urlpatterns = [
    path("inspections/add/", views.inspection_add, name="inspection_add"),
    path("inspections/<int:pk>/findings/", views.inspection_findings, name="inspection_findings"),
]
