from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import sso_views, two_factor_views

urlpatterns = [
    path("login/", sso_views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # The one-time link `setup_office` sends a new office's first admin (accounts.services.set_password_link).
    path(
        "password/set/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("password_reset_complete")),
        name="password_reset_confirm",
    ),
    path("password/set/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    # Single sign-on (accounts/sso.py); the callback is the redirect URI registered with the provider.
    path("sso/start/", sso_views.SsoStartView.as_view(), name="sso_start"),
    path("sso/callback/", sso_views.SsoCallbackView.as_view(), name="sso_callback"),
    # Two-factor sign-in (accounts/two_factor.py).
    path("two-factor/", two_factor_views.manage, name="two_factor"),
    path("two-factor/code/", two_factor_views.verify, name="two_factor_verify"),
    path("two-factor/set-up/", two_factor_views.setup, name="two_factor_setup"),
    path("two-factor/recovery-codes/", two_factor_views.recovery_codes, name="two_factor_recovery_codes"),
    path("two-factor/remove/", two_factor_views.remove, name="two_factor_remove"),
]
