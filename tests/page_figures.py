"""What a page shows for each indicator, read from its HTML as a member would read it.

Every element that shows an indicator's figures carries `data-indicator`; inside it the value is the
text of its big figure, RAG the badge, direction the first arrow (since the previous period), SPC the
variation badge and commentary the current note. Commentary shown apart from the figures carries
`data-about`. Tests compare these across screens, so a figure that merely appears somewhere else on
the page (a "from ..." comparison, another indicator) never counts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VALUE_CLASSES = {"card-value", "value-big", "big", "figure"}
VOID = {"br", "img", "input", "meta", "hr", "wbr"}


@dataclass
class Shown:
    """What one element shows for an indicator."""

    indicator: str
    breakdown: str | None = None
    value: str | None = None
    rag: str | None = None
    direction: str | None = None
    variation: str | None = None
    commentary: str = ""


@dataclass
class _Open:
    """An open element: the figure it starts (if any), what its text is, and the indicator it is about."""

    tag: str
    shown: Shown | None = None
    role: str = ""
    about: str = ""


@dataclass
class _Reader(HTMLParser):
    """Collects, for each `data-indicator` element, what it shows."""

    found: dict[str, list[Shown]] = field(default_factory=dict)
    about: dict[str, list[str]] = field(default_factory=dict)
    stack: list[_Open] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def _innermost(self) -> Shown | None:
        return next((item.shown for item in reversed(self.stack) if item.shown is not None), None)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        opened = _Open(tag, about=attributes.get("data-about", ""))
        current = self._innermost()
        if "who" in classes:
            opened.role = "who"
        elif attributes.get("data-commentary") == "current":
            opened.role = "commentary"
        if "data-indicator" in attributes:
            opened.shown = Shown(attributes["data-indicator"], attributes.get("data-breakdown"))
            self.found.setdefault(opened.shown.indicator, []).append(opened.shown)
        elif current is not None:
            if classes & VALUE_CLASSES and current.value is None:
                opened.role = "value"
            elif "data-rag" in attributes and current.rag is None:
                current.rag = attributes["data-rag"]
            elif "data-direction" in attributes and current.direction is None:
                current.direction = attributes["data-direction"]
            elif "data-variation" in attributes and "spc" in classes and current.variation is None:
                current.variation = attributes["data-variation"]
        if opened.about:
            self.about.setdefault(opened.about, []).append("")
        if tag not in VOID:
            self.stack.append(opened)

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop().tag != tag:
            pass

    def handle_data(self, data):
        roles = [item.role for item in self.stack]
        if "who" in roles:
            return
        current = self._innermost()
        if current is not None and roles and roles[-1] == "value":
            current.value = (current.value or "") + data.strip()
        if current is not None and "commentary" in roles:
            current.commentary += data
        about = next((item.about for item in reversed(self.stack) if item.about), "")
        if about:
            self.about[about][-1] += data


def read(page: str) -> dict[str, list[Shown]]:
    """Each indicator id -> what each of its elements on the page shows."""
    reader = _Reader()
    reader.feed(page)
    for items in reader.found.values():
        for item in items:
            item.commentary = item.commentary.strip()
    return reader.found


def commentary_about(page: str) -> dict[str, list[str]]:
    """Indicator id -> the commentary shown apart from its figures (`data-about`), as text."""
    reader = _Reader()
    reader.feed(page)
    return {key: [text.strip() for text in texts] for key, texts in reader.about.items()}
