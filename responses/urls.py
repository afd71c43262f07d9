from django.urls import path

from responses import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("responses/<int:pk>/", views.response_detail, name="response_detail"),
]
