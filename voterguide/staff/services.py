"""The staff side's write services: imports, drafts, publishing, rollback, edits, photos.

Every function here flushes; the request or the flask command commits (or rolls back), so
an import or a publication is one transaction: all of it or none of it.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from ..content import bump as bump_content
from ..models import (
    ChangeSet,
    ChangeSetKind,
    ChangeSetStatus,
    ColumnPairing,
    ContentVersion,
    Election,
    Photo,
    Questionnaire,
    StaffUser,
)
from ..web.staff_words import s_
from .accounts import now
from .changes import ChangeConflict, apply_changes, merge
from .changes import plan_rollback as changes_plan_rollback
from .importer import ImportResult, run_import
from .reading import FileRefused, read_sheet

#: The kinds of record a rollback undoes (user changes are history, not content).
ROLLBACK_ENTITIES = ("candidate", "answer", "contact", "election", "stage", "race",
                     "questionnaire", "question", "profile", "figure")


class StaffActionRefused(ValueError):
    """An action that cannot be done now; the message says why (nothing was changed)."""


class ImportNotKept(StaffActionRefused):
    """A checked file that could not be kept as a draft or published; ``change_set`` holds
    the check (in the session as a preview, for the caller to keep or roll back)."""

    def __init__(self, message: str, change_set: ChangeSet):
        super().__init__(message)
        self.change_set = change_set


#: What an import keeps: nothing (a check), a preview to look at, a draft, or the live guide.
KEEP = ("nothing", "preview", "draft", "publish")


def import_file(session: Session, election: Election, file_name: str, content: bytes,
                user: StaffUser | None, *, shape: str | None = None,
                delete_missing: bool = False, keep: str = "preview") -> ChangeSet:
    """Check a spreadsheet, then keep nothing, a preview, a draft or publish it (flushes).

    The one service the import page and the ``import-answers`` command both call. With
    ``keep="nothing"`` the change set is returned without being added to the session, so a
    check saves nothing. A file that cannot be read at all raises FileRefused; a draft or a
    publication of a file with problems raises StaffActionRefused.
    """
    if keep not in KEEP:
        raise ValueError(f"keep must be one of {KEEP}")
    sheet = read_sheet(file_name, content)
    change_set = ChangeSet(kind=ChangeSetKind.IMPORT, status=ChangeSetStatus.PREVIEW,
                           election=election, file_name=file_name[:255],
                           file_checksum=hashlib.sha256(content).hexdigest(), source=content,
                           delete_missing=delete_missing, created_by=user, created_at=now(),
                           decisions={})
    _fill(change_set, run_import(session, election, sheet, shape, delete_missing, {}))
    return keep_checked(session, change_set, keep, user)


def keep_checked(session: Session, change_set: ChangeSet, keep: str,
                 user: StaffUser | None) -> ChangeSet:
    """What happens to a file once checked: ``nothing`` (not saved), ``preview`` (saved to
    look at), ``draft`` (queued) or ``publish``; a refusal to queue or publish is raised as
    ImportNotKept with the change set (flushes)."""
    if keep == "nothing":
        if change_set in session:
            session.expunge(change_set)
        return change_set
    session.add(change_set)
    session.flush()
    try:
        if keep in ("draft", "publish"):
            queue(session, change_set)
        if keep == "publish":
            publish(session, change_set, user)
    except StaffActionRefused as refusal:
        raise ImportNotKept(str(refusal), change_set) from refusal
    return change_set


def start_import(session: Session, election: Election, file_name: str, content: bytes,
                 user: StaffUser | None, shape: str | None = None,
                 delete_missing: bool = False) -> ChangeSet:
    """Check a spreadsheet and keep the result as a change set to preview (flushes).

    A file that cannot be read at all raises FileRefused and nothing is kept.
    """
    return import_file(session, election, file_name, content, user, shape=shape,
                       delete_missing=delete_missing, keep="preview")


def _fill(change_set: ChangeSet, result: ImportResult) -> None:
    """Copy an import's result onto its change set."""
    change_set.file_shape = result.shape
    change_set.changes = result.changes
    change_set.problems = [p.as_dict() for p in result.problems]
    change_set.summary = result.summary()
    change_set.reading = {**result.reading, "asks": result.asks}


def _refuse_unless_open_import(change_set: ChangeSet) -> None:
    """Refuse to re-read anything but an uploaded file still being previewed or drafted."""
    if change_set.kind is not ChangeSetKind.IMPORT or change_set.source is None:
        raise StaffActionRefused(s_("Only an import can be checked again."))
    if change_set.status not in (ChangeSetStatus.PREVIEW, ChangeSetStatus.DRAFT):
        raise StaffActionRefused(s_("This import is already published or discarded."))


def recheck(session: Session, change_set: ChangeSet) -> ChangeSet:
    """Check an import's file again against the guide as it is now (flushes); the answers
    staff gave to its questions are kept."""
    _refuse_unless_open_import(change_set)
    from . import profiles  # a figures file (voterguide/staff/profiles.py)

    if change_set.file_shape == profiles.FIGURES_SHAPE:
        profiles.check_figures(session, change_set)
        change_set.status = ChangeSetStatus.PREVIEW
        session.flush()
        return change_set
    sheet = read_sheet(change_set.file_name or "", change_set.source)
    _fill(change_set, run_import(session, change_set.election, sheet, change_set.file_shape,
                                 change_set.delete_missing, change_set.decisions or {}))
    change_set.status = ChangeSetStatus.PREVIEW
    session.flush()
    return change_set


def pair_columns(session: Session, change_set: ChangeSet, pairs: dict[str, object]) -> None:
    """Remember what each column holds, for this questionnaire and this survey tool (flushes).

    ``pairs`` maps a column's header (or key) to a question id (an int), None (ignore it), or
    a target: "question:<id>", "explanation:<id>", a candidate detail ("name", "district",
    "party", "email", …) or "ignore".
    """
    from .cleaners import normalise
    from .columns import DETAILS, IGNORE
    from .importer import ImportContext

    _refuse_unless_open_import(change_set)
    context = ImportContext(session, change_set.election)
    if context.questionnaire is None:
        raise StaffActionRefused(s_("This election has no questionnaire."))
    valid = {q.id for q in context.questions}
    tool = (change_set.reading or {}).get("tool") or "spreadsheet"
    for header, wanted in pairs.items():
        if wanted is None or wanted == IGNORE:
            target, question_id = IGNORE, None
        elif isinstance(wanted, int):
            target, question_id = "question", wanted
        elif isinstance(wanted, str) and wanted in DETAILS:
            target, question_id = wanted, None
        elif isinstance(wanted, str) and wanted.split(":")[0] in ("question", "explanation") \
                and wanted.split(":")[-1].isdigit():
            target, question_id = wanted.split(":")[0], int(wanted.split(":")[1])
        else:
            raise StaffActionRefused(s_("That is not something a column can hold."))
        if question_id is not None and question_id not in valid:
            raise StaffActionRefused(s_("That question is not in this questionnaire."))
        key = normalise(header)[:500]
        pairing = session.scalar(select(ColumnPairing).where(
            ColumnPairing.questionnaire_id == context.questionnaire.id,
            ColumnPairing.tool == tool, ColumnPairing.header == key))
        if pairing is None:
            pairing = ColumnPairing(questionnaire_id=context.questionnaire.id, tool=tool,
                                    header=key)
            session.add(pairing)
        pairing.target, pairing.question_id = target, question_id
    session.flush()


@dataclass(frozen=True)
class Remembered:
    """A remembered column pairing in words: the header, the tool, what it is read as."""

    id: int
    header: str
    tool: str
    reads_as: str


def remembered_pairings(session: Session, questionnaire: Questionnaire) -> list[Remembered]:
    """The column pairings remembered for a questionnaire, by tool and header."""
    from .columns import DETAILS, IGNORE
    from .importer import pairing_target
    from .surveytools import BY_ID

    questions = {q.id: q for q in questionnaire.all_questions}
    found = []
    for pairing in session.scalars(select(ColumnPairing).where(
            ColumnPairing.questionnaire_id == questionnaire.id)
            .order_by(ColumnPairing.tool, ColumnPairing.header)):
        target = pairing_target(pairing)
        if target == IGNORE:
            words = "Not used by the guide: ignored"
        elif ":" in target:
            kind, question_id = target.split(":")
            question = questions.get(int(question_id))
            what = (f"question {question.position} ({question.topic})" if question
                    else "a question")
            words = f"The answer to {what}" if kind == "question" else \
                f"The explanation of {what}"
        else:
            words = DETAILS.get(target, target)
        tool = BY_ID[pairing.tool].name if pairing.tool in BY_ID else "Every survey tool"
        found.append(Remembered(pairing.id, pairing.header, tool, words))
    return found


def forget_pairings(session: Session, questionnaire: Questionnaire,
                    pairing_id: int | None = None) -> int:
    """Forget one remembered column pairing of a questionnaire (or all of them, ``None``):
    later uploads read those columns by their headers again. How many went (flushes)."""
    query = select(ColumnPairing).where(ColumnPairing.questionnaire_id == questionnaire.id)
    if pairing_id is not None:
        query = query.where(ColumnPairing.id == pairing_id)
    pairings = list(session.scalars(query))
    if pairing_id is not None and not pairings:
        raise StaffActionRefused(s_("That pairing is not remembered any more (it may have "
                                    "been forgotten already); nothing was changed."))
    for pairing in pairings:
        session.delete(pairing)
    session.flush()
    return len(pairings)


def decide(session: Session, change_set: ChangeSet, names: dict[str, str],
           date_order: str | None = None, edits: dict[str, str] | None = None) -> None:
    """Keep staff's answers to an import's questions (is this the candidate already in the
    guide? which order are the dates in?) on its change set (flushes)."""
    if change_set.status not in (ChangeSetStatus.PREVIEW, ChangeSetStatus.DRAFT):
        raise StaffActionRefused(s_("This import is already published or discarded."))
    asks = {(a["kind"], a["key"]): a for a in (change_set.reading or {}).get("asks", [])}
    decisions = {"names": dict((change_set.decisions or {}).get("names", {})),
                 "dates": dict((change_set.decisions or {}).get("dates", {})),
                 "edits": dict((change_set.decisions or {}).get("edits", {}))}
    for key, value in (edits or {}).items():
        if ("edit", key) not in asks or value not in ("keep", "file"):
            raise StaffActionRefused(s_("That answer does not fit the question asked; check "
                                        "the file again and answer what the page asks now."))
        decisions["edits"][key] = value
    for key, value in names.items():
        ask = asks.get(("name", key))
        if ask is None or value not in {c["value"] for c in ask["choices"]}:
            raise StaffActionRefused(s_("That answer does not fit the question asked; check "
                                        "the file again and answer what the page asks now."))
        decisions["names"][key] = value
    if date_order is not None:
        if date_order not in ("mdy", "dmy"):
            raise StaffActionRefused(s_("Dates are either month/day/year or day/month/year."))
        decisions["dates"]["order"] = date_order
    change_set.decisions = decisions
    session.flush()


def queue(session: Session, change_set: ChangeSet) -> None:
    """Make a checked import a draft waiting to be published (flushes)."""
    if change_set.status is not ChangeSetStatus.PREVIEW:
        raise StaffActionRefused(
            s_("Only an import being previewed can be applied to the draft."))
    if any(p["blocking"] for p in change_set.problems):
        raise StaffActionRefused(s_("This file has problems to fix first; nothing was applied."))
    if not change_set.changes:
        raise StaffActionRefused(s_("This file changes nothing in the guide: there is "
                                    "nothing to apply."))
    change_set.status = ChangeSetStatus.DRAFT
    session.flush()


def publish(session: Session, change_set: ChangeSet, user: StaffUser | None) -> None:
    """Apply a draft to the public guide (flushes); refused, applying nothing, on a conflict.

    The conflict check and the writes happen under one lock that every publication takes
    (``lock_for_publishing``), so of two publications at the same moment the second checks
    against what the first wrote: two conflicting drafts never both land, and publishing
    a draft that was published meanwhile (a double click) changes nothing.
    """
    lock_for_publishing(session)
    session.refresh(change_set)  # as it is now, under the lock
    if change_set.status is ChangeSetStatus.PUBLISHED:
        return  # published by a request that held the lock first: nothing more to do
    if change_set.status is not ChangeSetStatus.DRAFT:
        raise StaffActionRefused(s_("Only a draft can be published."))
    try:
        apply_changes(session, change_set.changes)
    except ChangeConflict as conflict:
        raise StaffActionRefused(_conflict_text(conflict)) from conflict
    change_set.status = ChangeSetStatus.PUBLISHED
    change_set.published_by, change_set.published_at = user, now()
    session.flush()
    bump_content(session)  # every process's page cache serves the new pages at once


#: The PostgreSQL advisory lock every publication takes ("vg" and 18: any fixed number).
PUBLISH_LOCK = 0x7667_0018


def lock_for_publishing(session: Session) -> None:
    """Take the lock that serialises publications, held until the transaction ends (flushes).

    SQLite: a write to the guide's version row takes the database's write lock at once
    (waiting up to the busy timeout for another writer), the equivalent of BEGIN IMMEDIATE
    inside the request's transaction. PostgreSQL: a transaction-scoped advisory lock. After
    it, every row the session had loaded is read again, so the check sees the latest
    publication.
    """
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PUBLISH_LOCK})
    else:
        session.execute(update(ContentVersion).where(ContentVersion.id == 1)
                        .values(number=ContentVersion.number))
    session.expire_all()


def _conflict_text(conflict: ChangeConflict) -> str:
    """A refusal naming what changed since the draft was made."""
    shown = conflict.conflicts[:10]
    more = len(conflict.conflicts) - len(shown)
    text = s_("Nothing was published: since this draft was made, the guide changed where it "
              "would write (another import or edit was published first). Check the file again "
              "against the current guide, or discard this draft. %(conflicts)s",
              conflicts=" ".join(shown))
    return text + " " + s_("And %(count)s more.", count=more) if more else text


def rolled_back_ids(session: Session, ids: list[int] | None = None) -> set[int]:
    """The ids (of ``ids``, or of all) of change sets a published rollback undid."""
    query = select(ChangeSet.rolls_back_id).where(ChangeSet.status == ChangeSetStatus.PUBLISHED,
                                                  ChangeSet.rolls_back_id.is_not(None))
    if ids is not None:
        query = query.where(ChangeSet.rolls_back_id.in_(ids))
    return set(session.scalars(query))


def later_change_sets(session: Session, change_set: ChangeSet, left: list[dict]) -> dict:
    """For each record a rollback would leave, the later published change sets that wrote to
    it or to a record that keeps it (a race's candidates, a question's answers), newest
    first: {(entity, key as str): [ChangeSet, ...]}."""
    items: dict[tuple, set[tuple]] = {}  # a record written -> the left items it explains
    found: dict[tuple, list[ChangeSet]] = {}
    for item in left:
        key = (item["entity"], str(item["key"]))
        found[key] = []
        for written in [key] + [(e, str(k)) for e, k in item.get("users", [])]:
            items.setdefault(written, set()).add(key)
    if not found:
        return found
    for later in session.scalars(select(ChangeSet).where(
            ChangeSet.id > change_set.id, ChangeSet.status == ChangeSetStatus.PUBLISHED)
            .order_by(ChangeSet.id.desc())):
        for change in later.changes:
            for key in items.get((change["entity"], str(change["key"])), ()):
                if later not in found[key]:
                    found[key].append(later)
    return found


def plan_rollback(session: Session, change_set: ChangeSet):
    """What rolling back ``change_set`` would undo and what it would leave (reads only)."""
    if change_set.status is not ChangeSetStatus.PUBLISHED:
        raise StaffActionRefused(s_("Only published changes can be rolled back."))
    if change_set.id in rolled_back_ids(session, [change_set.id]):
        raise StaffActionRefused(s_("This has already been rolled back."))
    return changes_plan_rollback(session, [c for c in change_set.changes
                                           if c["entity"] in ROLLBACK_ENTITIES])


def rollback(session: Session, change_set: ChangeSet, user: StaffUser | None) -> ChangeSet:
    """Undo a published change set by publishing its inverse, itself kept in history.

    What later change sets wrote again is left as they wrote it, and the rollback says so
    (its problems list each record left, for information); it is refused only when there is
    nothing of the change set's own left to undo."""
    plan = plan_rollback(session, change_set)
    if not plan.changes:
        raise StaffActionRefused(s_(
            "Nothing to roll back: later changes have rewritten everything this one wrote. "
            "Roll those back first (they are listed on this page)."))
    left = [{"row": None, "column": None, "blocking": False,
             "message": f"{item['label']}: left as it is now, because {item['why']}"
                        + (f" ({', '.join(f.replace('_', ' ') for f in item['fields'])})"
                           if item["fields"] else "") + "."} for item in plan.left]
    undo = ChangeSet(kind=ChangeSetKind.ROLLBACK, status=ChangeSetStatus.DRAFT,
                     election=change_set.election, changes=plan.changes,
                     problems=left, rolls_back=change_set, created_by=user, created_at=now(),
                     summary=f"Rolls back {describe(change_set)}"
                             + (f"; {len(left)} later change{'s' * (len(left) != 1)} kept"
                                if left else ""),
                     file_checksum=change_set.file_checksum, file_name=change_set.file_name)
    session.add(undo)
    session.flush()
    publish(session, undo, user)
    return undo


def describe(change_set: ChangeSet) -> str:
    """A change set in a few plain words: "the import of answers.csv (12 May)"."""
    from ..presenters import change_set_title

    return change_set_title(change_set)


def discard(session: Session, change_set: ChangeSet, user: StaffUser | None = None) -> None:
    """Drop a preview or a draft; it stays in history as discarded (flushes).

    An editor may discard only what they made; an admin (or a command, ``user`` None) any.
    """
    if change_set.status not in (ChangeSetStatus.PREVIEW, ChangeSetStatus.DRAFT):
        raise StaffActionRefused(s_("Only a preview or a draft can be discarded."))
    if user is not None and not user.is_admin and change_set.created_by_id != user.id:
        raise StaffActionRefused(s_("Only the person who made this, or an admin, can "
                                    "discard it; nothing was discarded."))
    change_set.status = ChangeSetStatus.DISCARDED
    change_set.source = None
    session.flush()


def open_edit_draft(session: Session, user: StaffUser) -> ChangeSet | None:
    """The user's open draft of browser edits, if any (reads only: a page view writes
    nothing)."""
    return session.scalar(select(ChangeSet).where(
        ChangeSet.kind == ChangeSetKind.EDIT, ChangeSet.status == ChangeSetStatus.DRAFT,
        ChangeSet.created_by_id == user.id).order_by(ChangeSet.id.desc()))


def edit_draft(session: Session, user: StaffUser) -> ChangeSet:
    """The user's open draft of browser edits, created when first needed (flushes)."""
    draft = open_edit_draft(session, user)
    if draft is None:
        draft = ChangeSet(kind=ChangeSetKind.EDIT, status=ChangeSetStatus.DRAFT, changes=[],
                          problems=[], created_by=user, created_at=now(), summary="")
        session.add(draft)
        session.flush()
    return draft


def record_edit(session: Session, user: StaffUser, change: dict) -> ChangeSet:
    """Add one browser edit to the user's draft (flushes)."""
    draft = edit_draft(session, user)
    draft.changes = merge(list(draft.changes), change)
    count = len(draft.changes)
    draft.summary = f"{count} edit{'s' * (count != 1)} in the browser"
    session.flush()
    return draft


def publish_at_once(session: Session, changes: list[dict], summary: str,
                    user: StaffUser | None, kind: ChangeSetKind = ChangeSetKind.EDIT,
                    **fields) -> ChangeSet | None:
    """Publish changes made by one action that takes effect at once (a deadline set in the
    invitations tracker, the sample election) as a change set of their own, so they are in
    the history and can be rolled back like any other (flushes); None when there are none."""
    if not changes:
        return None
    change_set = ChangeSet(kind=kind, status=ChangeSetStatus.DRAFT, changes=changes,
                           problems=[], summary=summary, created_by=user, created_at=now(),
                           **fields)
    session.add(change_set)
    session.flush()
    publish(session, change_set, user)
    return change_set


def with_draft_applied(session: Session, change_set: ChangeSet, render: Callable[[], str]) -> str:
    """Render a page as it will look once ``change_set`` is published, then undo the changes.

    On SQLite, a request that has written nothing yet (a preview, a GET) works on private
    copies of the guide's tables, so it never takes the database's write lock: campaign
    counts, sign-ins and publications go on while a large draft is previewed
    (``_in_private_copy``). Otherwise (PostgreSQL, whose writers lock only the rows they
    touch; or a request already holding the lock) the changes are applied inside a nested
    transaction (a savepoint), the page is rendered to a string, and the savepoint is rolled
    back: voters never see it, and the request's own transaction goes on untouched.
    """
    if _may_copy(session):
        return _in_private_copy(session, change_set, render)
    savepoint = session.begin_nested()
    try:
        if change_set.status in (ChangeSetStatus.PREVIEW, ChangeSetStatus.DRAFT):
            apply_changes(session, change_set.changes)
        return render()
    finally:
        savepoint.rollback()


#: The tables a change set writes (``changes.apply_changes``): a preview on SQLite writes to
#: private copies of these; every other table is read where it is.
PREVIEW_TABLES = ("elections", "election_stages", "questionnaires", "questions", "races",
                  "candidates", "candidate_contacts", "answers", "office_profiles",
                  "district_facts")


def _may_copy(session: Session) -> bool:
    """Whether a preview can work on private copies: SQLite, and this request has not begun
    writing (its own flushed rows would not be in the copies)."""
    if session.get_bind().dialect.name != "sqlite":
        return False
    return not session.connection().connection.dbapi_connection.in_transaction


def _in_private_copy(session: Session, change_set: ChangeSet, render: Callable[[], object]):
    """Render with the changes applied to private copies of the guide's tables, on a
    connection of its own that is thrown away afterwards (SQLite).

    SQLite looks a table name up in the connection's TEMP schema before the database file,
    and writing to TEMP tables takes no lock on the file. The copies are made in one read
    transaction (one consistent snapshot; in WAL mode nobody waits for it); while ``render``
    runs, ``db.session`` is a session on that connection, so the page's own queries read the
    copies. Nothing of it reaches the file: the connection is closed, not returned to the
    pool, and the copies go with it.
    """
    import re

    from ..extensions import db

    connection = session.get_bind().connect()
    original = db.session.registry()
    private = Session(bind=connection, autoflush=True, expire_on_commit=False)
    try:
        connection.exec_driver_sql("PRAGMA temp_store = MEMORY")
        marks = ",".join("?" * len(PREVIEW_TABLES))
        schema = connection.exec_driver_sql(
            f"SELECT type, sql FROM main.sqlite_master WHERE tbl_name IN ({marks}) "
            "AND sql IS NOT NULL ORDER BY type DESC", PREVIEW_TABLES).all()  # tables first
        for kind, sql in schema:
            if kind == "table":
                connection.exec_driver_sql(re.sub(r"^\s*CREATE\s+TABLE\s+", "CREATE TEMP TABLE ",
                                                  sql, count=1, flags=re.IGNORECASE))
            elif kind == "index":
                connection.exec_driver_sql(re.sub(
                    r"^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+",
                    lambda m: f"CREATE {m[1] or ''}INDEX temp.", sql, count=1,
                    flags=re.IGNORECASE))
        for name in PREVIEW_TABLES:  # one transaction: one snapshot of the file
            connection.exec_driver_sql(f'INSERT INTO temp."{name}" SELECT * FROM main."{name}"')
        db.session.registry.set(private)
        if change_set.status in (ChangeSetStatus.PREVIEW, ChangeSetStatus.DRAFT):
            apply_changes(private, change_set.changes)
        return render()
    finally:
        db.session.registry.set(original)
        private.close()
        connection.invalidate()  # closed, never back in the pool: its TEMP copies end here
        connection.close()


def store_photo(session: Session, content: bytes) -> str:
    """Validate, shrink and re-encode an uploaded photo; return its URL path (flushes)."""
    from PIL import Image, UnidentifiedImageError

    settings = current_app.config
    if not content:
        raise StaffActionRefused(s_("The photo file is empty."))
    if len(content) > int(settings["PHOTO_MAX_BYTES"]):
        raise StaffActionRefused(s_("The photo is larger than %(megabytes)s MB.",
                                    megabytes=int(settings["PHOTO_MAX_BYTES"]) // (1024 * 1024)))
    limit = int(settings["PHOTO_MAX_PIXELS"])
    Image.MAX_IMAGE_PIXELS = limit  # Pillow's own guard, for any format that skips ours
    side = int(settings["PHOTO_MAX_SIDE"])
    try:
        too_many = {"millions": limit // 1_000_000, "side": side}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                image = Image.open(io.BytesIO(content))  # reads the header only
        except Image.DecompressionBombError as error:  # Pillow's guard, at twice the limit
            raise StaffActionRefused(s_(
                "The photo has more than the %(millions)s million pixels this guide reads; it "
                "was not read. Save it smaller (a photo is shown at most %(side)s pixels wide).",
                **too_many)) from error
        with image:
            if image.format not in ("JPEG", "PNG", "GIF", "WEBP"):
                raise StaffActionRefused(
                    s_("The photo must be a JPEG, PNG, GIF or WebP image."))
            width, height = image.size
            if width * height > limit:  # before decoding: its pixels are what it costs
                size = {"width": f"{width:,}", "height": f"{height:,}"}
                raise StaffActionRefused(s_(
                    "The photo is %(width)s × %(height)s pixels, more than the %(millions)s "
                    "million pixels this guide reads; it was not read. Save it smaller (a photo "
                    "is shown at most %(side)s pixels wide).", **size, **too_many))
            if image.format == "JPEG":
                image.draft("RGB", (side, side))  # decode at a reduced scale when it can
            image.load()
            image.thumbnail((side, side))
            has_alpha = image.mode in ("RGBA", "LA", "P") and "transparency" in image.info \
                or image.mode in ("RGBA", "LA")
            output = io.BytesIO()
            if has_alpha:
                image.convert("RGBA").save(output, "PNG", optimize=True)
                content_type, extension = "image/png", "png"
            else:
                image.convert("RGB").save(output, "JPEG", quality=85)
                content_type, extension = "image/jpeg", "jpg"
    except StaffActionRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise StaffActionRefused(s_("That file is not an image we can read (JPEG, PNG, GIF "
                                    "or WebP).")) from error
    data = output.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    if session.get(Photo, digest) is None:
        session.add(Photo(digest=digest, content_type=content_type, data=data))
        session.flush()
    return f"/photos/{digest}.{extension}"


__all__ = ["FileRefused", "StaffActionRefused", "ImportNotKept", "import_file", "start_import",
           "publish_at_once",
           "recheck", "pair_columns", "remembered_pairings", "forget_pairings", "decide",
           "queue", "publish", "rollback", "plan_rollback", "rolled_back_ids",
           "later_change_sets", "discard", "record_edit", "edit_draft",
           "open_edit_draft", "with_draft_applied", "store_photo"]
