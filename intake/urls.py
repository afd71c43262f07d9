from django.urls import path

from intake import history_views, spotted_views, views

urlpatterns = [
    path("inspections/add/", views.inspection_add, name="inspection_add"),
    path("inspections/spotted/", spotted_views.spotted_list, name="spotted_list"),
    path("inspections/spotted/<int:pk>/dismiss/", spotted_views.spotted_dismiss, name="spotted_dismiss"),
    path("inspections/<int:pk>/findings/", views.inspection_findings, name="inspection_findings"),
    path("office/history/", history_views.import_history, name="import_history"),
    path("office/history/confirm/", history_views.import_history_confirm, name="import_history_confirm"),
]
