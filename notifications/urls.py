from django.urls import path

from notifications import letters, views

urlpatterns = [
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/token/create/", views.calendar_token_create, name="calendar_token_create"),
    path("calendar/token/revoke/", views.calendar_token_revoke, name="calendar_token_revoke"),
    path("calendar/token/renew/", views.calendar_token_renew, name="calendar_token_renew"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("reminders/digest/", views.digest_set, name="digest_set"),
    path("reminders/digest/off/<str:token>/", views.digest_opt_out, name="digest_opt_out"),
    path("responses/<int:pk>/letters/<int:letter_pk>/send/", letters.letter_send, name="letter_send"),
]
