from django.urls import URLPattern, URLResolver

app_name = "forcecomments"

urlpatterns: list[URLPattern | URLResolver] = []
