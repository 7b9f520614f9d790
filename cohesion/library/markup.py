"""The library's small, safe markup for bodies and outcomes.

Nobody's HTML is ever rendered: every piece of text is escaped first. What the
markup understands is only what case studies need:

- paragraphs, separated by a blank line;
- a bulleted list: lines starting "- " (consecutive list blocks join up);
- a numbered list: lines starting "1. ", "2. ", ...;
- a web address in angle brackets, <https://example.org/page>, becomes a link.
"""

from __future__ import annotations

import re

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

_BULLET = re.compile(r"^\s*[-*•]\s+")
_NUMBER = re.compile(r"^\s*\d+[.)]\s+")
_LINK = re.compile(r"<(https?://[^\s<>]+)>")


def _inline(text: str) -> str:
    """Escaped text with <https://…> turned into links (and nothing else)."""
    out: list[str] = []
    last = 0
    for match in _LINK.finditer(text):
        out.append(escape(text[last : match.start()]))
        url = match.group(1)
        out.append(format_html('<a class="govuk-link" href="{}">{}</a>', url, url))
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def blocks(text: str) -> list[tuple[str, list[str]]]:
    """The text as (kind, lines) blocks: kind is "p", "ul" or "ol"."""
    result: list[tuple[str, list[str]]] = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if all(_BULLET.match(line) for line in lines):
            kind, items = "ul", [_BULLET.sub("", line) for line in lines]
        elif all(_NUMBER.match(line) for line in lines):
            kind, items = "ol", [_NUMBER.sub("", line) for line in lines]
        else:
            kind, items = "p", [" ".join(lines)]
        if kind != "p" and result and result[-1][0] == kind:
            result[-1][1].extend(items)
        else:
            result.append((kind, items))
    return result


def render(text: str) -> SafeString:
    """GOV.UK-styled HTML for the text; safe because every fragment is escaped."""
    html: list[str] = []
    for kind, items in blocks(text):
        if kind == "p":
            html.append(f'<p class="govuk-body">{_inline(items[0])}</p>')
        else:
            style = "govuk-list--bullet" if kind == "ul" else "govuk-list--number"
            lis = "".join(f"<li>{_inline(item)}</li>" for item in items)
            html.append(f'<{kind} class="govuk-list {style}">{lis}</{kind}>')
    return mark_safe("\n".join(html))  # every fragment above is escaped


def plain(text: str) -> str:
    """The text without markup, for feeds and search snippets."""
    return "\n\n".join(
        "\n".join(items) if kind == "p" else "\n".join(f"- {i}" for i in items)
        for kind, items in blocks(text)
    )
