"""The change-set entities of office profiles and district figures, kept apart from
candidates and answers (voterguide/staff/changes.py calls in here):

    {"entity": "profile", "key": "<district id>", "label": "...",
     "before": {...} | None, "after": {...} | None}          (serializers.PROFILE_FIELDS)
    {"entity": "figure", "key": ["<district id>", "<fact>", "<period>"], "label": "...",
     "before": {...} | None, "after": {...} | None}          (serializers.FIGURE_FIELDS)
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import DistrictFact, FactUnit, OfficeProfile
from ..serializers import figure_fields, profile_fields

#: The entities this module keeps.
ENTITIES = ("profile", "figure")


def figure_key(change: dict) -> tuple[str, str, str]:
    """A figure change's key as a tuple."""
    district_id, fact, period = change["key"]
    return district_id, fact, period


class ProfileRows:
    """The live profiles and figures a list of changes touches."""

    def __init__(self, session: Session, changes: list[dict]):
        ours = [c for c in changes if c["entity"] in ENTITIES]
        districts = sorted({c["key"] if c["entity"] == "profile" else c["key"][0]
                            for c in ours})
        self.profiles: dict[str, OfficeProfile] = {}
        self.figures: dict[tuple[str, str, str], DistrictFact] = {}
        for start in range(0, len(districts), 500):
            chunk = districts[start:start + 500]
            for profile in session.scalars(select(OfficeProfile).where(
                    OfficeProfile.district_id.in_(chunk))):
                self.profiles[profile.district_id] = profile
            for fact in session.scalars(select(DistrictFact).where(
                    DistrictFact.district_id.in_(chunk))):
                self.figures[(fact.district_id, fact.fact, fact.period)] = fact

    def current(self, change: dict) -> dict | None:
        """The live fields of the profile or figure a change touches, or None."""
        if change["entity"] == "profile":
            profile = self.profiles.get(change["key"])
            return profile_fields(profile) if profile else None
        fact = self.figures.get(figure_key(change))
        return figure_fields(fact) if fact else None


def _values(fields: dict) -> dict:
    """Change-set fields as model attributes."""
    values = dict(fields)
    if "sample" in values:
        values["is_sample"] = bool(values.pop("sample"))
    for name in ("term_ends", "retrieved_on"):
        if name in values:
            values[name] = dt.date.fromisoformat(values[name]) if values[name] else None
    if "unit" in values:
        values["unit"] = FactUnit(values["unit"])
    return values


def apply_profile_changes(session: Session, rows: ProfileRows, changes: list[dict]) -> None:
    """Write the profile and figure changes (flushes); the caller has checked conflicts."""
    for change in changes:
        if change["entity"] == "profile":
            record = rows.profiles.get(change["key"])
            if change["after"] is None:
                if record is not None:
                    session.delete(record)
                    del rows.profiles[change["key"]]
                continue
            if record is None:
                record = OfficeProfile(district_id=change["key"], policies=[])
                session.add(record)
                rows.profiles[change["key"]] = record
        elif change["entity"] == "figure":
            key = figure_key(change)
            record = rows.figures.get(key)
            if change["after"] is None:
                if record is not None:
                    session.delete(record)
                    del rows.figures[key]
                continue
            if record is None:
                record = DistrictFact(district_id=key[0], fact=key[1], period=key[2])
                session.add(record)
                rows.figures[key] = record
        else:
            continue
        for name, value in _values(change["after"]).items():
            setattr(record, name, value)
    session.flush()


def touched_districts(changes: list[dict]) -> set[str]:
    """The district ids whose pages the profile and figure changes alter."""
    return {c["key"] if c["entity"] == "profile" else c["key"][0]
            for c in changes if c["entity"] in ENTITIES}
