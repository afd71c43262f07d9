from django.urls import URLPattern, URLResolver, path

from forcecomments import views

app_name = "forcecomments"

urlpatterns: list[URLPattern | URLResolver] = [
    path("comments/<str:token>/", views.comments, name="comments"),
    path("responses/<int:pk>/force-comments/invite/", views.invite, name="invite"),
    path("responses/<int:pk>/force-comments/revoke/", views.revoke, name="revoke"),
    path("responses/<int:pk>/force-comments/<int:submission_pk>/", views.submission_detail, name="submission"),
    path("responses/<int:pk>/force-comments/<int:submission_pk>/use/", views.submission_use, name="use"),
]
