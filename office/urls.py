from django.urls import URLPattern, URLResolver, path

from office import views

app_name = "office"

# /office/history/ is the register import's (intake.urls); the office's home links to it.
urlpatterns: list[URLPattern | URLResolver] = [
    path("office/", views.home, name="home"),
    path("office/people/", views.people, name="people"),
    path("office/people/invite/", views.invite, name="invite"),
    path("office/people/<int:pk>/", views.person, name="person"),
    path("office/people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("office/people/<int:pk>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path("office/people/<int:pk>/password-link/", views.person_password_link, name="person_password_link"),
    path("office/invitations/<int:pk>/withdraw/", views.invitation_withdraw, name="invitation_withdraw"),
    path("office/settings/", views.body_settings, name="settings"),
    path("office/signatories/", views.signatories, name="signatories"),
    path("office/signatories/<int:pk>/", views.signatory_edit, name="signatory_edit"),
    path("office/outbox/", views.outbox, name="outbox"),
    path("office/outbox/<int:pk>/send-again/", views.outbox_send_again, name="outbox_send_again"),
    path("office/audit/", views.audit_trail, name="audit"),
    path("office/join/<str:token>/", views.join, name="join"),
]
