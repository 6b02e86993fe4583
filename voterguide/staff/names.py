"""Candidates' names as people write them: folded for comparing, and for page addresses.

"Andres Pettway" and "Andrés Pettway", "Pruitt, Simone" and "Simone Pruitt", "Wes Spradlin"
and "Wesley C. Spradlin" are compared on their folded parts (accents, case, punctuation, word
order, titles, suffixes, middle initials, nicknames), but only an exact match is taken without
asking: anything looser is a *near* match, which the import preview asks staff about.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

#: How a name in a file compares with a candidate's name in the guide, best first.
EXACT, FOLDED, NEAR = "exact", "folded", "near"


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case ASCII letters, digits and single spaces: "Andrés  O’Neill" -> "andres oneill"."""
    text = unicodedata.normalize("NFKC", text or "")
    text = anyascii(text).casefold()
    text = re.sub(r"['`]", "", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def slug_words(text: str) -> str:
    """Words for a page address, accents kept as their base letters: "ines-munoz-pena"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


@lru_cache(maxsize=1)
def _nicknames():
    """The nickname table (the PyPI package "nicknames", a curated list of English names)."""
    from nicknames import NickNamer

    return NickNamer()


def same_given_name(a: str, b: str) -> bool:
    """Whether two folded given names may be the same person's: equal, a nickname, an initial."""
    if not a or not b:
        return False
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    if min(len(a), len(b)) >= 4 and difflib.SequenceMatcher(None, a, b).ratio() >= 0.8:
        return True  # a slip of one letter or two: Simon / Simone, Jamal / Jamaal
    namer = _nicknames()
    forms_a = {a} | namer.canonicals_of(a) | namer.nicknames_of(a)
    forms_b = {b} | namer.canonicals_of(b) | namer.nicknames_of(b)
    return bool(forms_a & forms_b)


@dataclass(frozen=True)
class NameParts:
    """A name taken apart and folded."""

    first: str
    middles: tuple[str, ...]
    last: str

    @property
    def key(self) -> str:
        """The whole name folded, in first-middle-last order."""
        return " ".join(p for p in (self.first, *self.middles, self.last) if p)


@lru_cache(maxsize=4096)
def parts(name: str) -> NameParts:
    """A name's parts, whatever the order it is written in ("Pruitt, Simone D.")."""
    from nameparser import HumanName

    human = HumanName(" ".join((name or "").split()))
    first = fold(human.first)
    middles = tuple(fold(m) for m in human.middle.split() if fold(m))
    last = fold(human.last)
    if human.nickname and not first:
        first = fold(human.nickname)
    if not last and first:  # a single word
        first, last = "", first
    return NameParts(first, middles, last)


def compare(written: str, known: str) -> str | None:
    """How a name written in a file compares with a candidate's name: EXACT, FOLDED, NEAR, None.

    EXACT: the same once case and spacing are ignored. FOLDED: the same letters once accents,
    punctuation, word order, titles and suffixes are ignored. NEAR: the same surname and a
    compatible given name (a nickname, an initial, a middle name or initial more or less), or
    a one-letter slip in the surname.
    """
    if " ".join(written.casefold().split()) == " ".join(known.casefold().split()):
        return EXACT
    a, b = parts(written), parts(known)
    if a.key and a.key == b.key:
        return FOLDED
    if not a.last or not b.last:
        return None
    surname = a.last == b.last or (len(a.last) > 4 and difflib.SequenceMatcher(
        None, a.last, b.last).ratio() >= 0.85)
    if not surname:
        # Two surnames (Muñoz Peña) where the file wrote one of them.
        surname = (a.last in b.middles and not a.middles) or (b.last in a.middles
                                                              and not b.middles)
    if not surname:
        return None
    if same_given_name(a.first, b.first):
        return NEAR
    if not a.first or not b.first:
        return None
    # A middle name used as the given name ("C. Wesley Spradlin" for "Wesley Spradlin").
    if any(same_given_name(a.first, m) for m in b.middles) or any(
            same_given_name(b.first, m) for m in a.middles):
        return NEAR
    return None


RANK = {EXACT: 0, FOLDED: 1, NEAR: 2}
