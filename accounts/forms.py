"""The sign-in forms: Django's, with the username's length checked before it reaches the database.

Django's AuthenticationForm gives its username field the model's max_length for the browser only; a longer username
went on to authenticate() and to django-axes, whose failed-attempt row refused it on PostgreSQL (a 500 instead of
"wrong username or password"). A null character is already refused by every form field.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.forms import CharField, Form


def _limit_username(form: Form) -> None:
    field = form.fields["username"]
    assert isinstance(field, CharField)
    field.validators.append(MaxLengthValidator(field.max_length))


class SignInForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_username(self)


class AdminSignInForm(AdminAuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit_username(self)
