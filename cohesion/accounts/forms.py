from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from cohesion.core.forms import GovUKFormMixin


def lockout_minutes() -> int:
    """The lock-out period in minutes (django-axes takes it in hours)."""
    return round(float(settings.AXES_COOLOFF_TIME) * 60)


class LoginForm(GovUKFormMixin, AuthenticationForm):
    """Django's authentication form with GOV.UK markup and plain-English errors."""

    error_messages = {
        "inactive": _("This account has been closed. Ask your organisation's administrator."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The limits are settings, so the message is built from them.
        self.error_messages = {
            **self.error_messages,
            "invalid_login": _(
                "Enter a correct username and password. After %(limit)d failed attempts the "
                "account is locked for %(minutes)d minutes."
            )
            % {"limit": settings.AXES_FAILURE_LIMIT, "minutes": lockout_minutes()},
        }
        self.fields["username"].error_messages["required"] = _("Enter your username")
        self.fields["password"].error_messages["required"] = _("Enter your password")
        self.fields["username"].widget.attrs.update({"spellcheck": "false"})
