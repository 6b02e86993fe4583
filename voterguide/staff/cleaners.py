"""Cleaners: one small function per kind of spreadsheet cell, each turning what people type
into what the guide stores, or raising CleanError with a reason a person can act on.

Cells are stored as text: a cell starting with ``=`` is kept verbatim and never evaluated.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from ..models import QuestionKind, ResponseStatus


class CleanError(ValueError):
    """A cell that cannot be used; the message says why."""


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Text for matching headers and names: case, accents, dashes, quotes and spaces folded."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"[\u2018\u2019\u201c\u201d\"'`]", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" .:?*")


def clean_name(value: str) -> str:
    """A candidate's name: required, one line, at most 200 characters."""
    name = " ".join(value.split())
    if not name:
        raise CleanError("The candidate's name is empty.")
    if len(name) > 200:
        raise CleanError("The name is longer than 200 characters.")
    return name


def clean_party(value: str) -> str | None:
    """A party name, or None when blank."""
    party = " ".join(value.split())
    if len(party) > 100:
        raise CleanError("The party is longer than 100 characters.")
    return party or None


YES = {"yes", "y", "true", "t", "1", "x", "incumbent", "si", "sí"}
NO = {"no", "n", "false", "f", "0", "challenger"}


def clean_incumbent(value: str) -> bool | None:
    """Whether the candidate holds the office now; None when blank."""
    text = normalise(value)
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    raise CleanError(f"“{value}” is not yes or no.")


def clean_url(value: str) -> str | None:
    """A web address (http or https); a bare domain gets https://. None when blank."""
    url = value.strip()
    if not url:
        return None
    if re.match(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(/\S*)?$", url, re.IGNORECASE):
        url = "https://" + url
    if not re.match(r"^https?://[^\s/@]+\.[^\s/@]+(/\S*)?$", url, re.IGNORECASE) or len(url) > 500:
        raise CleanError(f"“{value[:80]}” is not a web address (it should start with https://).")
    return url


def clean_bio(value: str) -> str:
    """A short biography, verbatim (markup is kept as text and shown as text)."""
    bio = value.strip().replace("\r\n", "\n")
    if len(bio) > 10_000:
        raise CleanError("The biography is longer than 10,000 characters.")
    return bio


#: Who wrote a biography, as a spreadsheet may say it (the guide's own words too, as a staff
#: export writes them).
BIO_SOURCES = {"candidate": "candidate", "the candidate": "candidate", "self": "candidate",
               "campaign": "candidate", "the campaign": "candidate",
               "staff": "staff", "our staff": "staff", "our staff from public sources": "staff",
               "public sources": "staff", "voter guide": "staff", "guide": "staff"}


def clean_bio_source(value: str) -> str | None:
    """Who wrote the biography ("candidate" or "staff"); None when blank."""
    text = normalise(value).replace(",", "")
    if not text:
        return None
    if text in BIO_SOURCES:
        return BIO_SOURCES[text]
    raise CleanError(f"“{value[:80]}” does not say who wrote the biography: write “candidate” "
                     "or “staff”.")


STATUSES = {
    "responded": ResponseStatus.RESPONDED, "answered": ResponseStatus.RESPONDED,
    "returned": ResponseStatus.RESPONDED, "declined": ResponseStatus.DECLINED,
    "declined to respond": ResponseStatus.DECLINED, "refused": ResponseStatus.DECLINED,
    "no response": ResponseStatus.NO_RESPONSE, "no_response": ResponseStatus.NO_RESPONSE,
    "did not respond": ResponseStatus.NO_RESPONSE, "none": ResponseStatus.NO_RESPONSE,
    # The guide's own words (presenters.STATUS_WORDS), as a staff export writes them.
    "answered the questionnaire": ResponseStatus.RESPONDED,
}


def clean_status(value: str) -> ResponseStatus | None:
    """Whether the candidate responded, declined or did not respond; None when blank."""
    text = normalise(value)
    if not text:
        return None
    try:
        return STATUSES[text]
    except KeyError:
        raise CleanError(f"“{value}” is not a questionnaire status (use responded, declined "
                         "or no response).") from None


DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y/%m/%d", "%d %B %Y", "%B %d, %Y",
                "%b %d, %Y")


def clean_date(value: str) -> dt.date | None:
    """A date as survey tools write it (a time after it is ignored); None when blank."""
    text = value.strip()
    if not text:
        return None
    day = re.split(r"[ T](?=\d{1,2}:\d{2})", text)[0].strip()
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(day, pattern).date()
        except ValueError:
            continue
    raise CleanError(f"“{value}” is not a date (write it like 2028-07-15 or 7/15/2028).")


LIKERT = {"strongly disagree": "1", "disagree": "2", "somewhat disagree": "2",
          "neutral": "3", "neither agree nor disagree": "3", "unsure": "3",
          "agree": "4", "somewhat agree": "4", "strongly agree": "5"}


def clean_choice(value: str, kind: QuestionKind, scale_low: str | None = None,
                 scale_high: str | None = None) -> str | None:
    """The choice part of an answer: Yes/No, or 1 to 5 on a scale; None when blank.

    Text questions take no choice (the importer moves their text to the explanation).
    """
    text = normalise(value)
    if not text:
        return None
    if kind is QuestionKind.YES_NO:
        first = re.split(r"[\s,;.:(-]", text, maxsplit=1)[0]
        # Typeform (and many a hand-made sheet) writes yes/no as 1/0.
        if first in ("yes", "y", "true", "si", "sí", "1"):
            return "Yes"
        if first in ("no", "n", "false", "0"):
            return "No"
        raise CleanError(f"“{value[:80]}” is not Yes or No.")
    if kind is QuestionKind.SCALE:
        number = re.match(r"^([1-5])(\s*(-|/|of|–|\.|:|\)|$).*)", text)
        if number:
            return number.group(1)
        labels = {}
        if scale_low:
            labels[normalise(scale_low)] = "1"
        if scale_high:
            labels[normalise(scale_high)] = "5"
        if {normalise(scale_low or ""), normalise(scale_high or "")} == {"strongly disagree",
                                                                          "strongly agree"}:
            labels = {**LIKERT, **labels}
        if text in labels:
            return labels[text]
        raise CleanError(f"“{value[:80]}” is not a number from 1 to 5"
                         + (f" or “{scale_low}”/“{scale_high}”." if scale_low else "."))
    return None


YES_NO_WORDS = {"yes", "y", "true", "si", "sí", "1", "no", "n", "false", "0"}


def is_plain_choice(value: str, kind: QuestionKind, scale_low: str | None = None,
                    scale_high: str | None = None) -> bool:
    """Whether a cell is only a choice ("Yes", "No.", "4", "4 of 5", "3 - Neutral") and says
    nothing more: "Yes, with conditions" is not, so its words must be kept, not cut to Yes."""
    text = normalise(value).rstrip(".!;")
    if kind is QuestionKind.YES_NO:
        return text in YES_NO_WORDS
    if kind is QuestionKind.SCALE:
        labels = {normalise(w) for w in (scale_low, scale_high) if w} | set(LIKERT)
        if re.fullmatch(r"[1-5](\s*(of|/)\s*5)?", text) or text in labels:
            return True
        labelled = re.fullmatch(r"[1-5]\s*[-–:.)]\s*(.+)", text)
        return bool(labelled) and labelled.group(1).strip() in labels
    return True


EMAIL = re.compile(r"^[^@\s<>\"',;]{1,64}@[a-z0-9-]+(\.[a-z0-9-]+)+$", re.IGNORECASE)


def clean_email(value: str) -> str | None:
    """A candidate's email address (kept for staff only), or None when blank."""
    email = value.strip().strip("<>").removeprefix("mailto:")
    if not email or normalise(email) in ("anonymous", "n/a", "none", "-"):
        return None
    if len(email) > 254 or not EMAIL.match(email):
        raise CleanError(f"“{value[:80]}” is not an email address.")
    return email.lower()


def clean_postal_address(value: str) -> str | None:
    """Where a candidate's letters go (kept for staff only), lines kept; None when blank."""
    lines = [" ".join(line.split()) for line in value.replace("\r\n", "\n").split("\n")]
    address = "\n".join(line for line in lines if line)
    if not address or normalise(address) in ("n/a", "none", "-"):
        return None
    if len(address) > 500:
        raise CleanError("The postal address is longer than 500 characters.")
    return address


def clean_explanation(value: str) -> str:
    """A candidate's own words, verbatim (line breaks kept, markup shown as text)."""
    text = value.replace("\r\n", "\n").strip()
    if len(text) > 20_000:
        raise CleanError("The answer is longer than 20,000 characters.")
    return text
