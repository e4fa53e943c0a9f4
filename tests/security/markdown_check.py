"""Did a visitor's string come out as Markdown? Parse what the page sent and look for the marker inside
anything but plain or code text.

Streamlit renders element bodies as CommonMark + GFM, and then, on the parsed text, turns URLs and e-mail
addresses into links, `:name:` into emoji or icons, `:color[...]` into coloured text and `$...$` into LaTeX.
A payload carries the marker `zqx`; a body is safe when the marker appears only in plain text that none of
those rules touches, or inside code spans (which Streamlit leaves as typed).
"""
from __future__ import annotations

import re

from markdown_it import MarkdownIt

MARKER = "zqx"
PAYLOADS = (  # each at most 40 characters: a link's notice keeps that much of a bad value
    "![zqx](http://zqx.test/p.png) **zqx**",
    "[zqx](http://zqx.test) <b>zqx</b> $zqx$",
    "http://zqx.test :red[zqx] :zqx: zqx@z.io",
    "\n\n# zqx\n> _zqx_ ~~zqx~~ `zqx` &lt;zqx",
)
_parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_FORMATTING = {"em_open", "strong_open", "s_open", "link_open", "heading_open", "blockquote_open",
               "bullet_list_open", "ordered_list_open", "table_open"}
# rules Streamlit applies to parsed text: autolinks, e-mail, emoji/icon shortcodes, colour directives, LaTeX
_TEXT_RULES = re.compile(r"https?:|www\.|@|:[\w/+-]*zqx[\w/+-]*:|:\w+\[|\$|<|&", re.I)


def _formatting(token_type: str) -> bool:
    return token_type.replace("_close", "_open") in _FORMATTING


def markdown_problems(body: str) -> list[str]:
    """What in `body` shows the marker as anything but literal text (empty when it is safe)."""
    if MARKER not in body.lower():
        return []
    problems, depth = [], 0
    for block in _parser.parse(body):
        if block.type in ("html_block", "fence", "code_block", "hr") and MARKER in block.content.lower():
            problems.append(f"{block.type}: {block.content!r}")
        if _formatting(block.type):
            depth += block.nesting
        for token in block.children or []:
            content = (token.content or "").lower()
            if token.type in ("image", "html_inline"):  # the app's own texts have neither
                problems.append(f"{token.type}: {token.content!r}")
            elif token.type == "link_open" and MARKER in str(token.attrs.get("href", "")).lower():
                problems.append(f"link to {token.attrs['href']!r}")
            elif _formatting(token.type):
                depth += token.nesting
            elif token.type == "text" and MARKER in content and (depth > 0 or _TEXT_RULES.search(content)):
                problems.append(f"formatted text {token.content!r}")
    return problems


ALERTS = ("markdown", "caption", "error", "warning", "info", "success", "toast", "title", "header", "subheader")


def page_problems(at) -> list[str]:
    """Problems in every Markdown-rendered element of an AppTest page (main area and sidebar)."""
    found = []
    for kind in ALERTS:
        for element in [*getattr(at, kind), *getattr(at.sidebar, kind)]:
            body = str(element.value)
            found += [f"{kind}: {problem} in {body[:300]!r}" for problem in markdown_problems(body)]
    return found
