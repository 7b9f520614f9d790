"""`{{ item.body|library_markup }}`: the library's safe markup (see markup.py)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from cohesion.library.markup import render

register = template.Library()


@register.filter(name="library_markup")
def library_markup(text: str) -> SafeString:
    return render(text or "")
