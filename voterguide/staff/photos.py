"""Photos from imported addresses, brought onto this site: a page never hot-links another
site's image (which would tell that site who reads the guide).

An imported ``photo url`` may point anywhere. ``fetch_photos`` fetches each such photo once,
over HTTP with a timeout and a size limit, checks and re-encodes it exactly as an upload
(``services.store_photo``: format, pixel limit before decoding, shrink, re-encode), and
points the candidate at the copy served from ``/photos/``. Until then the public pages show
no photo at all (``hosted_here``), and the Content-Security-Policy (``img-src 'self'
data:``) would block one anyway. Run by ``flask staff fetch-photos``.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..content import bump as bump_content
from ..models import Candidate
from ..web.staff_words import s_
from .services import StaffActionRefused, store_photo


@dataclass
class Fetched:
    """What became of one candidate's photo address."""

    slug: str
    url: str
    path: str | None = None  # the copy on this site, when it worked
    problem: str | None = None


def fetch(url: str, timeout: float, limit: int) -> bytes:
    """The bytes at an http(s) address, at most ``limit``; raises StaffActionRefused."""
    if not url.lower().startswith(("http://", "https://")):
        raise StaffActionRefused(s_("Only http and https addresses are fetched."))
    request = urllib.request.Request(url, headers={
        "User-Agent": str(current_app.config["GEOCODING_USER_AGENT"]), "Accept": "image/*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            content = response.read(limit + 1)
    except urllib.error.HTTPError as error:
        raise StaffActionRefused(s_("The address answered %(status)s.",
                                    status=error.code)) from error
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise StaffActionRefused(s_("The address could not be fetched (%(error)s).",
                                    error=error)) from error
    if len(content) > limit:
        raise StaffActionRefused(s_("The photo is larger than %(megabytes)s MB.",
                                    megabytes=limit // (1024 * 1024)))
    return content


def fetch_photos(session: Session, timeout: float = 10.0) -> list[Fetched]:
    """Bring every candidate photo that another site holds onto this one (flushes).

    A photo that cannot be fetched or is refused is left as it was (and still not shown),
    and reported; the others are replaced by their copy here.
    """
    limit = int(current_app.config["PHOTO_MAX_BYTES"])
    results = []
    candidates = session.scalars(select(Candidate).where(or_(
        Candidate.photo_url.like("http://%"), Candidate.photo_url.like("https://%")))
        .order_by(Candidate.slug))
    for candidate in list(candidates):
        result = Fetched(candidate.slug, candidate.photo_url)
        try:
            result.path = store_photo(session, fetch(candidate.photo_url, timeout, limit))
        except StaffActionRefused as refusal:
            result.problem = str(refusal)
        else:
            candidate.photo_url = result.path
        results.append(result)
    if any(r.path for r in results):
        session.flush()
        bump_content(session)
    return results
