"""Staff pages for the offices' records: a district's office profile and its figures,
edited in the browser (each save goes into the editor's draft, as candidate edits do), and
a figures file imported through a change set (preview, draft, publish, rollback)."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from ..extensions import db
from ..models import District, DistrictFact, OfficeProfile
from ..serializers import PROFILE_FIELDS, figure_fields, profile_fields
from ..web.rules import accepts_upload
from ..web.staff_words import s_
from . import blueprint, profiles, services
from .profile_forms import FigureForm, FiguresUploadForm, ProfileForm, parse_policies, policies_text
from .reading import FileRefused

RUNNING = {"unknown": None, "yes": True, "no": False}


def _district(slug: str) -> District:
    """A district by slug, or 404."""
    return db.session.scalar(select(District).where(District.slug == slug)) or abort(404)


def _draft_profile(district: District) -> dict | None:
    """The district's profile fields as the user's edit draft leaves them."""
    live = db.session.get(OfficeProfile, district.id)
    fields = profile_fields(live) if live else None
    draft = services.open_edit_draft(db.session, current_user)
    for change in draft.changes if draft else []:
        if change["entity"] == "profile" and change["key"] == district.id:
            fields = None if change["after"] is None else {**(fields or {}), **change["after"]}
    return fields


@blueprint.get("/profiles")
def office_profiles():
    """Every district, whether its office has a profile, how many figures it has."""
    districts = list(db.session.scalars(select(District).order_by(District.state_code,
                                                                  District.name)))
    with_profile = set(db.session.scalars(select(OfficeProfile.district_id)))
    counts = dict(db.session.execute(select(DistrictFact.district_id, func.count())
                                     .group_by(DistrictFact.district_id)).all())
    return render_template("staff/profiles/index.html", districts=districts,
                           with_profile=with_profile, counts=counts)


@blueprint.route("/profiles/<slug>", methods=["GET", "POST"])
def office_profile(slug: str):
    """Edit a district's office profile (saved into your draft) and see its figures."""
    district = _district(slug)
    fields = _draft_profile(district)
    data = dict(fields or {"office_name": f"{district.office}, {district.name}"})
    data["running_again"] = {None: "unknown", True: "yes", False: "no"}[data.get("running_again")]
    data["policies"] = policies_text(data.get("policies") or [])
    if data.get("term_ends"):
        data["term_ends"] = dt.date.fromisoformat(data["term_ends"])
    form = ProfileForm(data=data)
    if form.validate_on_submit():
        wanted = {
            "office_name": " ".join(form.office_name.data.split()),
            "incumbent_name": " ".join((form.incumbent_name.data or "").split()) or None,
            "incumbent_party": (form.incumbent_party.data or "").strip() or None,
            "in_office_since": form.in_office_since.data,
            "term_ends": form.term_ends.data.isoformat() if form.term_ends.data else None,
            "running_again": RUNNING.get(form.running_again.data),
            "how_chosen": _text(form.how_chosen.data),
            "last_contested_year": form.last_contested_year.data,
            "last_contested_result": _text(form.last_contested_result.data),
            "website": (form.website.data or "").strip() or None,
            "contact": _text(form.contact.data),
            "policies": parse_policies(form.policies.data),
            "headline_fact": " ".join((form.headline_fact.data or "").split()) or None,
            "sample": bool(fields and fields.get("sample")),
        }
        live = db.session.get(OfficeProfile, district.id)
        services.record_edit(db.session, current_user, {
            "entity": "profile", "key": district.id, "label": f"{district.name} (office profile)",
            "before": {k: profile_fields(live)[k] for k in PROFILE_FIELDS} if live else None,
            "after": wanted})
        flash(s_("Saved to your draft. An admin publishes it."), "done")
        return redirect(url_for("staff.office_profile", slug=slug), 303)
    status = 422 if request.method == "POST" else 200
    figures = list(db.session.scalars(select(DistrictFact).where(
        DistrictFact.district_id == district.id).order_by(DistrictFact.fact,
                                                           DistrictFact.period)))
    return render_template("staff/profiles/profile.html", district=district, form=form,
                           figure_form=FigureForm(formdata=None), figures=figures,
                           draft=services.open_edit_draft(db.session, current_user),
                           has_profile=fields is not None), status


def _text(value: str | None) -> str:
    """A text area's value: Windows line ends folded, ends trimmed."""
    return (value or "").replace("\r\n", "\n").strip()


@blueprint.post("/profiles/<slug>/figures")
def office_figure(slug: str):
    """Add, correct or remove one figure; it goes into your draft."""
    district = _district(slug)
    form = FigureForm()
    back = redirect(url_for("staff.office_profile", slug=slug) + "#figures", 303)
    if not form.validate_on_submit():
        flash(s_("The figure was not saved: %(problems)s", problems="; ".join(
            f"{getattr(form, name).label.text}: {e}" for name, errors in form.errors.items()
            for e in errors)), "problem")
        return back
    try:
        values = _clean_figure(form, district)
    except profiles.CellProblem as problem:
        flash(s_("The figure was not saved: %(problems)s", problems=problem), "problem")
        return back
    key = [district.id, values.pop("fact"), values.pop("period")]
    live = db.session.scalar(select(DistrictFact).where(
        DistrictFact.district_id == key[0], DistrictFact.fact == key[1],
        DistrictFact.period == key[2]))
    before = figure_fields(live) if live else None
    after = None if form.remove.data else {**values, "sample": bool(before and before["sample"])}
    if before is None and after is None:
        flash(s_("There is no such figure to remove."), "problem")
        return back
    services.record_edit(db.session, current_user, {
        "entity": "figure", "key": key, "label": f"{district.name}: {key[1]}, {key[2]}",
        "before": before, "after": after})
    flash(s_("%(figure)s, %(period)s: removal saved to your draft.", figure=key[1], period=key[2])
          if after is None else s_("%(figure)s, %(period)s: figure saved to your draft.",
                                   figure=key[1], period=key[2]), "done")
    return back


def _clean_figure(form: FigureForm, district: District) -> dict:
    """A figure form's values, cleaned by the same rules as a figures file."""
    unit = profiles.clean_unit(form.unit.data or "")
    return {"fact": profiles.clean_text(form.fact.data, "fact"),
            "period": profiles.clean_period(form.period.data),
            "value": profiles.clean_value(form.value.data, unit), "unit": unit.value,
            "counties": profiles.Districts(db.session).clean_counties(form.counties.data or "",
                                                                      district),
            "source_name": profiles.clean_text(form.source.data, "source"),
            "source_url": profiles.clean_link(form.link.data),
            "retrieved_on": profiles.clean_retrieved(form.retrieved.data).isoformat(),
            "caveat": profiles.clean_text(form.caveat.data or "", "caveat", required=False)}


@blueprint.route("/figures/import", methods=["GET", "POST"])
@accepts_upload()
def import_figures():
    """Upload a figures file; it is checked and shown as a preview, nothing changes yet."""
    form = FiguresUploadForm()
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("staff/profiles/import.html", form=form), status
    upload = form.figures.data
    try:
        change_set = profiles.import_figures(db.session, upload.filename or "figures.csv",
                                             upload.read(), current_user)
    except FileRefused as refusal:
        return render_template("staff/profiles/import.html", form=form,
                               problem=str(refusal)), 422
    return redirect(url_for("staff.change_set", change_set_id=change_set.id), 303)
