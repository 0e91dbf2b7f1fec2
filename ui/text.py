"""Text from files, settings and officers shown as literal text in Streamlit's Markdown-rendering elements.

Titles, dashboard names, notes and the like are data: Markdown, KaTeX (`$...$`), links, images,
emoji and colour directives (`:red[...]`) in them must show as typed, never render. Every ASCII
punctuation character that Markdown or Streamlit's extensions give a meaning is backslash-escaped.
(HTML built by render.html is escaped there and drawn with st.html, which is never Markdown. A select
box's or multiselect's options are shown as plain text, so they are passed as they are; their labels
are Markdown and go through `literal`.)
"""
from __future__ import annotations

import re

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&@])")
# GitHub-flavoured Markdown turns `http://…`, `www.…` and `name@host.org` into links after escapes are
# read, so no escape stops it: an invisible WORD JOINER after the scheme, `www` or `@` does.
_AUTOLINK_START = re.compile(r"(?i)(?:\b(?:https?|ftp|mailto|xmpp)(?=:)|\bwww(?=\.)|@)")
WORD_JOINER = "\u2060"


def literal(text: object) -> str:
    """`text` escaped so Streamlit's Markdown shows exactly the characters given, and links none of them."""
    unlinked = _AUTOLINK_START.sub(lambda found: found[0] + WORD_JOINER, "" if text is None else str(text))
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", unlinked)
