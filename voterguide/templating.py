"""Template filters and globals shared by every page."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from flask import Flask
from markupsafe import Markup, escape

from . import presenters

#: Explanations longer than this many words are folded on the district page.
LONG_ANSWER_WORDS = 120
#: How many words of a folded explanation show before "Read the rest".
OPENING_WORDS = 40


def paragraphs(text: str | None) -> Markup:
    """Verbatim text as escaped paragraphs, split on blank lines; markup is shown as text."""
    blocks = [b.strip() for b in (text or "").replace("\r\n", "\n").split("\n\n") if b.strip()]
    return Markup("".join(f"<p>{escape(b)}</p>".replace("\n", "<br>") for b in blocks))


def long_date(value: dt.date | None) -> str:
    """A date as voters read it: Tuesday, November 7, 2028 (martes, 7 de noviembre de 2028)."""
    if value is None:
        return ""
    return format_date(value, "full", locale=presenters.language())


def short_date(value: dt.date | None) -> str:
    """A date in brief: Jul 15, 2028."""
    if value is None:
        return ""
    return presenters.day_words(value)


def word_count(text: str | None) -> int:
    """How many words a text has."""
    return len((text or "").split())


def opening(text: str | None, words: int = OPENING_WORDS) -> str:
    """The opening lines of a long answer: its first sentences up to about ``words`` words
    (at least a sentence's worth cut at a word), ending in "…"."""
    flat = " ".join((text or "").split())
    parts = flat.split(" ")
    if len(parts) <= words:
        return flat
    cut = " ".join(parts[:words])
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    if end >= len(cut) // 2:
        return cut[:end + 1] + " …"
    return cut.rstrip(",;:") + " …"
#: Where this site serves the candidate photos it holds.
PHOTO_PREFIX = "/photos/"


def hosted_here(url: str | None) -> bool:
    """Whether a photo address is one this site serves: the only kind a page shows (an
    imported address elsewhere waits for ``flask staff fetch-photos``)."""
    return bool(url) and url.startswith(PHOTO_PREFIX) and "//" not in url


def register(app: Flask) -> None:
    """Install the filters and globals."""
    app.add_template_filter(paragraphs)
    app.add_template_filter(long_date)
    app.add_template_filter(short_date)
    app.add_template_filter(word_count)
    app.add_template_filter(opening)
    app.add_template_test(hosted_here)
    app.add_template_global(LONG_ANSWER_WORDS, "LONG_ANSWER_WORDS")
    presenters.register(app)
