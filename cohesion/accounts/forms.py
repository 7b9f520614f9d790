from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from cohesion.core.forms import GovUKFormMixin


class LoginForm(GovUKFormMixin, AuthenticationForm):
    """Django's authentication form with GOV.UK markup and plain-English errors."""

    error_messages = {
        "invalid_login": _(
            "Enter a correct username and password. After 5 failed attempts the account "
            "is locked for 15 minutes."
        ),
        "inactive": _("This account has been closed. Ask your organisation's administrator."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = _("Enter your username")
        self.fields["password"].error_messages["required"] = _("Enter your password")
        self.fields["username"].widget.attrs.update({"spellcheck": "false"})
