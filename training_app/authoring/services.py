"""Trainer authoring: drafts of courses, translation status, media, publishing, question banks, exports.

A draft is a package document (authoring/document.py). Every save re-reads the draft, checks that
the texts the trainer started from are still there, and writes with a compare-and-set on the
revision, so two trainers never silently overwrite each other. Publishing writes the draft as a
package, runs the package validator and imports it as the next version, in the caller's transaction.
"""

from __future__ import annotations

import copy
import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from training_app.admin.services import record
from training_app.auth.models import User
from training_app.authoring import document as doc
from training_app.authoring import moodle
from training_app.authoring.models import AuthoringSetting, CourseDraft, CourseEditor, ImageUpload
from training_app.content import TOPICS, export_package, load_package, render_markdown, validate_paths
from training_app.content.schema import is_slug
from training_app.learn import importer
from training_app.learn.exporter import UnknownCourse, package_from_db
from training_app.learn.models import Course, Media, Module
from training_app.media import ImageRejected, prepare_image
from training_app.quiz.draw import draw_questions
from training_app.quiz.models import Attempt
from training_app.security import Role

REQUIRE_COMPLETE = "require_complete_translations"
QUESTION_KINDS = ("single_choice", "multiple_response", "true_false", "matching", "ordering", "numeric",
                  "image_choice", "hotspot")


class NotFound(LookupError):
    """No such course, or one this user may not edit (the view answers 404)."""


class AuthoringError(ValueError):
    """A refused change; `code` picks the view's translated message, `params` fill it."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Conflict:
    """A text someone else changed since the trainer opened it: theirs is kept, yours is shown."""

    label: str  # the field's key, or "structure"
    lang: str
    yours: str
    theirs: str


class EditConflict(Exception):
    def __init__(self, conflicts: list[Conflict]) -> None:
        super().__init__(f"{len(conflicts)} conflict(s)")
        self.conflicts = conflicts


@dataclass
class Draft:
    """What the editor works on: the stored draft, or the published course as one (not stored until saved)."""

    slug: str
    document: dict[str, Any]
    translated_from: dict[str, Any]
    revision: int
    row: CourseDraft | None
    course: Course | None

    @property
    def published_version(self) -> int | None:
        return self.course.version if self.course else None

    def title(self, lang: str) -> str:
        return doc.get_text(self.document, lang, ("course", "title")) or self.slug


# --- access ------------------------------------------------------------------------------------------


def can_edit(db: Session, user: User, slug: str) -> bool:
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.TRAINER:
        return False
    return db.scalar(select(CourseEditor.id).where(CourseEditor.course_slug == slug,
                                                   CourseEditor.user_id == user.id)) is not None


def is_owner(db: Session, user: User, slug: str) -> bool:
    """Admins and the course's owner manage its editors."""
    if user.role == Role.ADMIN:
        return True
    return db.scalar(select(CourseEditor.id).where(CourseEditor.course_slug == slug, CourseEditor.user_id == user.id,
                                                   CourseEditor.is_owner.is_(True))) is not None


@dataclass(frozen=True)
class CourseEntry:
    slug: str
    title: str
    published_version: int | None
    has_draft: bool
    draft_updated_at: datetime | None


def editable_courses(db: Session, user: User, lang: str) -> list[CourseEntry]:
    """The courses `user` may edit, published or draft-only, by slug."""
    courses = {c.slug: c for c in db.scalars(select(Course))}
    drafts = {d.slug: d for d in db.scalars(select(CourseDraft))}
    slugs = set(courses) | set(drafts)
    if user.role != Role.ADMIN:
        slugs &= set(db.scalars(select(CourseEditor.course_slug).where(CourseEditor.user_id == user.id)))
    entries = []
    for slug in sorted(slugs):
        course, draft = courses.get(slug), drafts.get(slug)
        if draft is not None:
            title = doc.get_text(draft.document, lang, ("course", "title")) or doc.get_text(
                draft.document, "en", ("course", "title"))
        else:
            texts = {t.locale: t.title for t in course.texts}
            title = texts.get(lang) or texts.get("en", slug)
        entries.append(CourseEntry(slug, title or slug, course.version if course else None, draft is not None,
                                   draft.updated_at if draft else None))
    return entries


def editors_of(db: Session, slug: str) -> list[tuple[CourseEditor, User]]:
    return list(db.execute(select(CourseEditor, User).join(User, User.id == CourseEditor.user_id)
                           .where(CourseEditor.course_slug == slug).order_by(User.name)).tuples())


def add_editor(db: Session, slug: str, email: str, now: datetime) -> User:
    """Let a trainer edit the course; the caller commits."""
    user = db.scalars(select(User).where(User.email == email.strip().lower())).one_or_none()
    if user is None or user.role != Role.TRAINER or not user.is_active:
        raise AuthoringError("not_a_trainer")
    if db.scalar(select(CourseEditor.id).where(CourseEditor.course_slug == slug, CourseEditor.user_id == user.id)):
        raise AuthoringError("already_editor")
    db.add(CourseEditor(course_slug=slug, user_id=user.id, is_owner=False, added_at=now))
    db.flush()
    return user


def remove_editor(db: Session, slug: str, user_id: int) -> None:
    """The owner stays; the caller commits."""
    editor = db.scalars(select(CourseEditor).where(CourseEditor.course_slug == slug,
                                                   CourseEditor.user_id == user_id)).one_or_none()
    if editor is None:
        raise NotFound(user_id)
    if editor.is_owner:
        raise AuthoringError("owner_stays")
    db.delete(editor)


# --- settings ----------------------------------------------------------------------------------------


def require_complete_translations(db: Session) -> bool:
    setting = db.get(AuthoringSetting, REQUIRE_COMPLETE)
    return bool(setting and setting.value.get("enabled"))


def set_require_complete_translations(db: Session, enabled: bool, now: datetime) -> None:
    """The caller commits."""
    setting = db.get(AuthoringSetting, REQUIRE_COMPLETE)
    if setting is None:
        db.add(AuthoringSetting(key=REQUIRE_COMPLETE, value={"enabled": enabled}, updated_at=now))
    else:
        setting.value, setting.updated_at = {"enabled": enabled}, now


# --- loading and saving drafts -----------------------------------------------------------------------


def load_draft(db: Session, slug: str, media_dir: Path) -> Draft:
    """The course's draft; for a published course never edited, its published version (nothing stored)."""
    course = db.scalars(select(Course).where(Course.slug == slug)).one_or_none()
    row = db.scalars(select(CourseDraft).where(CourseDraft.slug == slug)).one_or_none()
    if row is not None:
        return Draft(slug, copy.deepcopy(row.document), dict(row.translated_from), row.revision, row, course)
    if course is None:
        raise NotFound(slug)
    document = _published_document(db, course, media_dir)
    return Draft(slug, document, doc.all_translated(document), 0, None, course)


def _published_document(db: Session, course: Course, media_dir: Path) -> dict[str, Any]:
    try:
        package = package_from_db(db, course.slug, media_dir)
    except UnknownCourse:
        raise NotFound(course.slug) from None
    images = {
        (m.name, m.locale): {"file": f"{m.sha256}.{m.extension}", "source": m.source_sha256, "width": m.width,
                             "height": m.height, "variants": list(m.variant_widths), "uploaded": False}
        for m in db.scalars(select(Media).where(Media.course_id == course.id))
    }
    return doc.document_from_package(package, images)


def _save(db: Session, draft: Draft, user: User | None, now: datetime,
          change: Callable[[dict[str, Any], dict[str, Any]], None]) -> None:
    """Apply `change(document, translated_from)` to copies and store them if nobody saved in between.

    The caller commits.
    """
    document, translated_from = copy.deepcopy(draft.document), copy.deepcopy(draft.translated_from)
    change(document, translated_from)
    doc.reconcile(document)
    _write(db, draft, document, translated_from, user, now)


def _write(db: Session, draft: Draft, document: dict[str, Any], translated_from: dict[str, Any],
           user: User | None, now: datetime, base_version: int | None = None) -> None:
    user_id = user.id if user is not None else None
    if draft.row is None:
        row = CourseDraft(slug=draft.slug, document=document, translated_from=translated_from, revision=1,
                          base_version=base_version or draft.published_version, created_at=now, updated_at=now,
                          updated_by_id=user_id)
        try:
            with db.begin_nested():
                db.add(row)
        except IntegrityError:  # another editor created the draft a moment ago
            raise EditConflict([Conflict("draft", "", "", "")]) from None
        draft.row, draft.revision = row, 1
    else:
        values = dict(document=document, translated_from=translated_from, revision=draft.revision + 1,
                      updated_at=now, updated_by_id=user_id)
        if base_version is not None:
            values["base_version"] = base_version
        written = db.execute(update(CourseDraft).where(CourseDraft.id == draft.row.id,
                                                       CourseDraft.revision == draft.revision)
                             .values(**values).execution_options(synchronize_session=False)).rowcount
        if not written:
            raise EditConflict([Conflict("draft", "", "", "")])
        draft.revision += 1
        db.refresh(draft.row)
    draft.document, draft.translated_from = document, translated_from


def structure_hash(value: Any) -> str:
    """What a structure form remembers of the object it showed."""
    return doc.text_hash(json.dumps(value, sort_keys=True, default=str))


def _check_base(current: Any, base: str | None) -> None:
    if base is not None and structure_hash(current) != base:
        raise EditConflict([Conflict("structure", "", "", json.dumps(current, ensure_ascii=False, indent=1))])


# --- creating a course -------------------------------------------------------------------------------


def create_course(db: Session, user: User, slug: str, topic: str, title: str, now: datetime) -> Draft:
    """A new course as an empty draft, owned by `user`; the caller commits."""
    if not is_slug(slug):
        raise AuthoringError("bad_id")
    if topic not in TOPICS:
        raise AuthoringError("bad_topic")
    taken = db.scalar(select(Course.id).where(Course.slug == slug)) or db.scalar(
        select(CourseDraft.id).where(CourseDraft.slug == slug))
    if taken:
        raise AuthoringError("slug_taken")
    draft = Draft(slug, doc.empty_document(slug, topic, title.strip(), now.date()), {}, 0, None, None)
    try:
        _write(db, draft, draft.document, {}, user, now)
    except EditConflict:
        raise AuthoringError("slug_taken") from None
    if user.role == Role.TRAINER:
        db.add(CourseEditor(course_slug=slug, user_id=user.id, is_owner=True, added_at=now))
    db.flush()
    return draft


# --- texts -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextEdit:
    field: doc.Field
    lang: str
    value: str
    base: str  # text_hash of the text as the form showed it, after clean_text


def save_texts(db: Session, draft: Draft, user: User, edits: Iterable[TextEdit], now: datetime) -> int:
    """Save changed texts; a French or Spanish text saved now is a translation of today's English.

    Raises EditConflict (nothing saved) if any changed text was changed by someone else since the
    form was shown. Returns how many texts changed. The caller commits.
    """
    document = draft.document
    changed, conflicts = [], []
    for edit in edits:
        value, current = clean_text(edit.value), doc.get_text(document, edit.lang, edit.field.path)
        if doc.text_hash(value) == edit.base or value == clean_text(current):
            continue  # left as shown, or already what the trainer wants
        if doc.text_hash(clean_text(current)) != edit.base:
            conflicts.append(Conflict(edit.field.key, edit.lang, value, current))
        else:
            changed.append(edit)
    if conflicts:
        raise EditConflict(conflicts)
    if not changed:
        return 0

    def change(document: dict[str, Any], translated_from: dict[str, Any]) -> None:
        for edit in changed:
            doc.set_text(document, edit.lang, edit.field.path, clean_text(edit.value))
        for edit in changed:
            if edit.lang != doc.LANGUAGES[0]:
                english = doc.get_text(document, doc.LANGUAGES[0], edit.field.path)
                translated_from.setdefault(edit.field.key, {})[edit.lang] = doc.text_hash(english)

    _save(db, draft, user, now, change)
    return len(changed)


def clean_text(text: str) -> str:
    """Line ends as the package files have them, and no trailing blanks."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def confirm_translation(db: Session, draft: Draft, user: User, key: str, lang: str, now: datetime) -> None:
    """Mark a French or Spanish text as still right for today's English. The caller commits."""
    found = {f.key: f for f in doc.fields(draft.document)}
    if key not in found or lang not in doc.LANGUAGES[1:]:
        raise NotFound(key)
    if not doc.get_text(draft.document, lang, found[key].path).strip():
        raise AuthoringError("nothing_to_confirm")

    def change(document: dict[str, Any], translated_from: dict[str, Any]) -> None:
        english = doc.get_text(document, doc.LANGUAGES[0], found[key].path)
        translated_from.setdefault(key, {})[lang] = doc.text_hash(english)

    _save(db, draft, user, now, change)


# --- structure ---------------------------------------------------------------------------------------


def _module(document: dict[str, Any], module_id: str) -> dict[str, Any]:
    for module in document["modules"]:
        if module["id"] == module_id:
            return module
    raise NotFound(module_id)


def module_of_lesson(document: dict[str, Any], lesson_id: str) -> dict[str, Any]:
    for module in document["modules"]:
        if lesson_id in module["lessons"]:
            return module
    raise NotFound(lesson_id)


def module_of_quiz(document: dict[str, Any], quiz_id: str) -> dict[str, Any]:
    for module in document["modules"]:
        if module.get("quiz") == quiz_id:
            return module
    raise NotFound(quiz_id)


def question_in(document: dict[str, Any], quiz_id: str, question_id: str) -> dict[str, Any]:
    quiz = document["quizzes"].get(quiz_id)
    for question in quiz["questions"] if quiz else []:
        if question["id"] == question_id:
            return question
    raise NotFound(question_id)


def case_in(document: dict[str, Any], quiz_id: str, case_id: str) -> dict[str, Any]:
    quiz = document["quizzes"].get(quiz_id)
    for case in quiz["cases"] if quiz else []:
        if case["id"] == case_id:
            return case
    raise NotFound(case_id)


def _all_lesson_ids(document: dict[str, Any]) -> set[str]:
    return {lesson for module in document["modules"] for lesson in module["lessons"]}


def _new_id(new_id: str, taken: Iterable[str]) -> str:
    if not is_slug(new_id):
        raise AuthoringError("bad_id")
    if new_id in set(taken):
        raise AuthoringError("id_taken")
    return new_id


@dataclass(frozen=True)
class CourseSettings:
    topic: str
    estimated_minutes: int
    certificate_validity_months: int
    last_verified_on: str  # ISO date
    sources: list[dict[str, str]]
    module_order: list[str]


def course_settings_of(document: dict[str, Any]) -> dict[str, Any]:
    keys = ("topic", "estimated_minutes", "certificate_validity_months", "last_verified_on", "sources")
    return {**{key: document[key] for key in keys}, "modules": [m["id"] for m in document["modules"]]}


def update_course_settings(db: Session, draft: Draft, user: User, settings: CourseSettings, base: str,
                           now: datetime) -> None:
    """The caller commits."""
    _check_base(course_settings_of(draft.document), base)
    if sorted(settings.module_order) != sorted(m["id"] for m in draft.document["modules"]):
        raise AuthoringError("bad_order")

    def change(document: dict[str, Any], _translated_from: dict[str, Any]) -> None:
        document.update(topic=settings.topic, estimated_minutes=settings.estimated_minutes,
                        certificate_validity_months=settings.certificate_validity_months,
                        last_verified_on=settings.last_verified_on, sources=settings.sources)
        by_id = {m["id"]: m for m in document["modules"]}
        document["modules"] = [by_id[module_id] for module_id in settings.module_order]

    _save(db, draft, user, now, change)


def add_module(db: Session, draft: Draft, user: User, module_id: str, title: str, first_lesson: str,
               now: datetime) -> None:
    """A module needs a lesson from the start (the format asks for one); the caller commits."""
    _new_id(module_id, [m["id"] for m in draft.document["modules"]])
    _new_id(first_lesson, _all_lesson_ids(draft.document))

    def change(document: dict[str, Any], _translated_from: dict[str, Any]) -> None:
        document["modules"].append({"id": module_id, "lessons": [first_lesson], "quiz": None})
        doc.reconcile(document)
        doc.set_text(document, "en", ("course", "modules", module_id, "title"), title.strip())

    _save(db, draft, user, now, change)


def update_module(db: Session, draft: Draft, user: User, module_id: str, lesson_order: list[str], base: str,
                  now: datetime) -> None:
    """Reorder a module's lessons; the caller commits."""
    module = _module(draft.document, module_id)
    _check_base(module, base)
    if sorted(lesson_order) != sorted(module["lessons"]):
        raise AuthoringError("bad_order")

    def change(document: dict[str, Any], _translated_from: dict[str, Any]) -> None:
        _module(document, module_id)["lessons"] = list(lesson_order)

    _save(db, draft, user, now, change)


def add_lesson(db: Session, draft: Draft, user: User, module_id: str, lesson_id: str, title: str,
               now: datetime) -> None:
    _module(draft.document, module_id)
    _new_id(lesson_id, _all_lesson_ids(draft.document))

    def change(document: dict[str, Any], _translated_from: dict[str, Any]) -> None:
        _module(document, module_id)["lessons"].append(lesson_id)
        doc.reconcile(document)
        doc.set_text(document, "en", ("lessons", lesson_id, "title"), title.strip())

    _save(db, draft, user, now, change)


def add_quiz(db: Session, draft: Draft, user: User, module_id: str, quiz_id: str, title: str,
             now: datetime) -> None:
    module = _module(draft.document, module_id)
    if module.get("quiz"):
        raise AuthoringError("has_quiz")
    _new_id(quiz_id, draft.document["quizzes"])

    def change(document: dict[str, Any], _translated_from: dict[str, Any]) -> None:
        _module(document, module_id)["quiz"] = quiz_id
        document["quizzes"][quiz_id] = _empty_quiz()
        doc.reconcile(document)
        doc.set_text(document, "en", ("quizzes", quiz_id, "title"), title.strip())

    _save(db, draft, user, now, change)


def _empty_quiz() -> dict[str, Any]:
    return {"pass_mark": 0.8, "draw": None, "draw_rules": [], "max_attempts": None, "time_limit_minutes": None,
            "wait_minutes": None, "review": "full", "cases": [], "questions": []}


QUIZ_SETTINGS = ("pass_mark", "draw", "draw_rules", "max_attempts", "time_limit_minutes", "wait_minutes", "review")


def quiz_settings_of(document: dict[str, Any], quiz_id: str) -> dict[str, Any]:
    quiz = document["quizzes"][quiz_id]
    return {**{key: quiz.get(key) for key in QUIZ_SETTINGS}, "order": [q["id"] for q in quiz["questions"]]}


def update_quiz_settings(db: Session, draft: Draft, user: User, quiz_id: str, settings: dict[str, Any],
                         question_order: list[str], base: str, now: datetime) -> None:
    """`settings` has the keys of QUIZ_SETTINGS; the caller commits."""
    if quiz_id not in draft.document["quizzes"]:
        raise NotFound(quiz_id)
    _check_base(quiz_settings_of(draft.document, quiz_id), base)
    quiz = draft.document["quizzes"][quiz_id]
    if sorted(question_order) != sorted(q["id"] for q in quiz["questions"]):
        raise AuthoringError("bad_order")

    def change(document: dict[str, Any], _translated_from: dict[str, Any]) -> None:
        target = document["quizzes"][quiz_id]
        target.update({key: settings[key] for key in QUIZ_SETTINGS})
        by_id = {q["id"]: q for q in target["questions"]}
        target["questions"] = [by_id[question_id] for question_id in question_order]

    _save(db, draft, user, now, change)


def new_question_spec(kind: str, question_id: str) -> dict[str, Any]:
    """A question of `kind` with placeholder ids the trainer then edits."""
    specs: dict[str, dict[str, Any]] = {
        "single_choice": {"choices": ["a", "b"], "correct": "a"},
        "multiple_response": {"scoring": "partial", "choices": ["a", "b", "c"], "correct": ["a"]},
        "true_false": {"correct": True},
        "matching": {"items": ["item-1", "item-2"], "targets": ["target-1", "target-2"],
                     "correct": {"item-1": "target-1", "item-2": "target-2"}},
        "ordering": {"correct": ["step-1", "step-2", "step-3"]},
        "numeric": {"correct": 0, "tolerance": 0},
        "image_choice": {"choices": {}, "correct": ""},
        "hotspot": {"image": "", "regions": [], "correct": []},
    }
    if kind not in specs:
        raise AuthoringError("bad_kind")
    return {"id": question_id, "kind": kind, **specs[kind]}


def add_question(db: Session, draft: Draft, user: User, quiz_id: str, question_id: str, kind: str,
                 now: datetime) -> None:
    quiz = draft.document["quizzes"].get(quiz_id)
    if quiz is None:
        raise NotFound(quiz_id)
    _new_id(question_id, [q["id"] for q in quiz["questions"]])
    spec = new_question_spec(kind, question_id)

    def change(document: dict[str, Any], _translated_from: dict[str, Any]) -> None:
        document["quizzes"][quiz_id]["questions"].append(spec)

    _save(db, draft, user, now, change)


def update_question(db: Session, draft: Draft, user: User, quiz_id: str, question_id: str,
                    spec: dict[str, Any], base: str, now: datetime) -> None:
    """Replace a question's structure (id and kind stay); words follow its ids. The caller commits."""
    current = question_in(draft.document, quiz_id, question_id)
    _check_base(current, base)
    spec = {"id": question_id, "kind": current["kind"], **{k: v for k, v in spec.items() if k not in ("id", "kind")}}

    def change(document: dict[str, Any], _translated_from: dict[str, Any]) -> None:
        questions = document["quizzes"][quiz_id]["questions"]
        questions[[q["id"] for q in questions].index(question_id)] = spec

    _save(db, draft, user, now, change)


def add_case(db: Session, draft: Draft, user: User, quiz_id: str, case_id: str, now: datetime) -> None:
    quiz = draft.document["quizzes"].get(quiz_id)
    if quiz is None:
        raise NotFound(quiz_id)
    _new_id(case_id, [c["id"] for c in quiz["cases"]])

    def change(document: dict[str, Any], _translated_from: dict[str, Any]) -> None:
        document["quizzes"][quiz_id]["cases"].append({"id": case_id, "questions": [], "media": []})

    _save(db, draft, user, now, change)


def update_case(db: Session, draft: Draft, user: User, quiz_id: str, case_id: str, questions: list[str],
                media: list[str], base: str, now: datetime) -> None:
    current = case_in(draft.document, quiz_id, case_id)
    _check_base(current, base)
    known = {q["id"] for q in draft.document["quizzes"][quiz_id]["questions"]}
    if not set(questions) <= known:
        raise AuthoringError("unknown_question")
    if not set(media) <= set(draft.document["media"]) | {n for m in draft.document["lang_media"].values() for n in m}:
        raise AuthoringError("unknown_image")

    def change(document: dict[str, Any], _translated_from: dict[str, Any]) -> None:
        case = case_in(document, quiz_id, case_id)
        case["questions"], case["media"] = list(questions), list(media)

    _save(db, draft, user, now, change)


# --- deleting (recorded in the audit log) ------------------------------------------------------------

DELETABLE = ("module", "lesson", "quiz", "question", "case", "image")


def delete_item(db: Session, draft: Draft, user: User, what: str, ids: tuple[str, ...], now: datetime) -> None:
    """Remove a part of the draft (learners see the change once it is published). The caller commits."""
    document = draft.document
    if what == "module":
        _module(document, ids[0])
    elif what == "lesson":
        if len(module_of_lesson(document, ids[0])["lessons"]) == 1:
            raise AuthoringError("last_lesson")
    elif what == "quiz":
        module_of_quiz(document, ids[0])
    elif what == "question":
        question_in(document, *ids)
    elif what == "case":
        case_in(document, *ids)
    elif what == "image":
        if ids[0] not in document["media"] and not any(ids[0] in m for m in document["lang_media"].values()):
            raise NotFound(ids[0])
    else:
        raise NotFound(what)

    def change(document: dict[str, Any], translated_from: dict[str, Any]) -> None:
        if what == "module":
            module = _module(document, ids[0])
            document["modules"].remove(module)
            document["quizzes"].pop(module.get("quiz") or "", None)
        elif what == "lesson":
            module_of_lesson(document, ids[0])["lessons"].remove(ids[0])
        elif what == "quiz":
            module_of_quiz(document, ids[0])["quiz"] = None
            document["quizzes"].pop(ids[0])
        elif what == "question":
            quiz = document["quizzes"][ids[0]]
            quiz["questions"] = [q for q in quiz["questions"] if q["id"] != ids[1]]
            for case in quiz["cases"]:
                case["questions"] = [q for q in case["questions"] if q != ids[1]]
        elif what == "case":
            quiz = document["quizzes"][ids[0]]
            quiz["cases"] = [c for c in quiz["cases"] if c["id"] != ids[1]]
        else:
            document["media"].pop(ids[0], None)
            for images in document["lang_media"].values():
                images.pop(ids[0], None)
        live = {f.key for f in doc.fields(document)}
        for key in [key for key in translated_from if key not in live]:
            del translated_from[key]

    _save(db, draft, user, now, change)
    record(db, user, "course.delete_item", target=draft.course or draft.row,
           details={"course": draft.slug, "what": what, "ids": list(ids)}, now=now)


def discard_draft(db: Session, draft: Draft, user: User, now: datetime) -> None:
    """Forget the draft (a published course goes back to what learners see). The caller commits."""
    if draft.row is None:
        raise NotFound(draft.slug)
    record(db, user, "course.discard_draft", target=draft.course or draft.row,
           details={"course": draft.slug, "revision": draft.revision}, now=now)
    db.delete(draft.row)
    if draft.course is None:
        for editor in db.scalars(select(CourseEditor).where(CourseEditor.course_slug == draft.slug)):
            db.delete(editor)


# --- media -------------------------------------------------------------------------------------------

_SVG = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(svg|!DOCTYPE\s+svg)", re.IGNORECASE | re.DOTALL)


class UploadQuotaExceeded(ImageRejected):
    """The upload would take the user past their quota; nothing was written."""

    def __init__(self, used: int, quota: int) -> None:
        super().__init__("over_quota")
        self.used, self.quota = used, quota


def uploaded_bytes(db: Session, user_id: int) -> int:
    """What this user's uploads take in the media folder, each image counted once."""
    return db.scalar(select(func.coalesce(func.sum(ImageUpload.size_bytes), 0))
                     .where(ImageUpload.user_id == user_id))


def upload_image(db: Session, draft: Draft, user: User, filename: str, stream: IO[bytes], lang: str,
                 media_dir: Path, now: datetime, quota: int) -> str:
    """Make an uploaded photo safe and add it to the draft's images; returns its name.

    Refused before anything is written: files over the size limit (read no further), SVG, anything
    Pillow cannot verify as JPEG, PNG or WebP, images whose header declares too many pixels, and
    uploads that would take the user's images past `quota` bytes (the file as sent, then the
    re-encoded copies). The stored copy is re-encoded from the pixels, so no EXIF, GPS or XMP
    survives. The upload is counted in the caller's transaction; the caller commits.
    """
    from training_app.media import MAX_BYTES

    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImageRejected("too_large")
    if filename.lower().endswith((".svg", ".svgz")) or _SVG.match(data[:4096]):
        raise ImageRejected("svg")
    used = uploaded_bytes(db, user.id)
    if len(data) > quota - used:  # re-encoding seldom shrinks a photo much: spare the decoding
        raise UploadQuotaExceeded(used, quota)
    prepared = prepare_image(data)
    # Lock the user's row until commit, so two uploads at once cannot both fit in the same room.
    db.execute(select(User.id).where(User.id == user.id).with_for_update())
    used = uploaded_bytes(db, user.id)
    counted = db.scalar(select(ImageUpload.id).where(ImageUpload.user_id == user.id,
                                                     ImageUpload.sha256 == prepared.sha256))
    if counted is None:
        if prepared.size > quota - used:
            raise UploadQuotaExceeded(used, quota)
        db.add(ImageUpload(user_id=user.id, sha256=prepared.sha256, size_bytes=prepared.size, uploaded_at=now))
    name = _image_name(filename, prepared.extension, draft.document, lang)
    image = {"file": f"{prepared.sha256}.{prepared.extension}", "source": None, "width": prepared.width,
             "height": prepared.height, "variants": list(prepared.variant_widths), "uploaded": True}

    def change(document: dict[str, Any], _translated_from: dict[str, Any]) -> None:
        if lang:
            document["lang_media"].setdefault(lang, {})[name] = image
        else:
            document["media"][name] = image

    _save(db, draft, user, now, change)
    # Written last: a refused or conflicting save leaves nothing in the media folder.
    prepared.store(media_dir)
    return name


def _image_name(filename: str, extension: str, document: dict[str, Any], lang: str) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", Path(filename).stem.lower()).strip("-")[:50] or "image"
    taken = set(document["lang_media"].get(lang, {}) if lang else document["media"])
    name, number = f"{stem}.{extension}", 2
    while name in taken:
        name, number = f"{stem}-{number}.{extension}", number + 1
    return name


# --- preview -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewText:
    title: str
    summary: str
    body: str
    lang: str  # the language shown: the one asked for, or English when it is missing
    is_fallback: bool


def preview_lesson(document: dict[str, Any], lesson_id: str, lang: str) -> PreviewText:
    module_of_lesson(document, lesson_id)
    path = ("lessons", lesson_id)
    shown = lang
    if not (doc.get_text(document, lang, (*path, "title")) and doc.get_text(document, lang, (*path, "body"))):
        shown = doc.LANGUAGES[0]  # what learners get while a translation is missing
    return PreviewText(*(doc.get_text(document, shown, (*path, key)) for key in ("title", "summary", "body")),
                       shown, shown != lang)


def preview_image(document: dict[str, Any], name: str, lang: str) -> dict[str, Any] | None:
    image = doc.image_for(document, name, lang)
    if image is None:
        return None
    return {"file": image["file"], "width": image["width"], "height": image["height"], "variants": image["variants"]}


def preview_quiz(document: dict[str, Any], quiz_id: str, lang: str, seed: int = 0) -> dict[str, Any]:
    """The quiz as an attempt would show it (every question, shuffled by `seed`), like an attempt snapshot."""
    module_of_quiz(document, quiz_id)
    quiz = document["quizzes"][quiz_id]
    english = document["texts"]["en"]["quizzes"][quiz_id]
    local = document["texts"].get(lang, {}).get("quizzes", {}).get(quiz_id, {})
    by_id = {q["id"]: q for q in quiz["questions"]}
    bank = {"questions": quiz["questions"], "cases": quiz["cases"], "draw": None, "draw_rules": []}
    questions = []
    for drawn in draw_questions(bank, seed):
        spec = by_id[drawn.question_id]
        local_words = local.get("questions", {}).get(spec["id"])
        entry = copy.deepcopy(spec)
        entry.update(points=spec.get("points", 1), case=drawn.case_id, shown=list(drawn.option_order),
                     words=_merged(english["questions"].get(spec["id"], {}), local_words or {}),
                     lang=lang if _has_words(local_words) else "en")
        kind = spec["kind"]
        if kind in ("single_choice", "multiple_response", "image_choice"):
            entry["choices"] = list(drawn.option_order) or list(spec["choices"])
        elif kind == "matching":
            entry["targets"] = list(drawn.option_order) or list(spec["targets"])
        elif kind == "ordering" and not entry["shown"]:
            entry["shown"] = list(spec["correct"])
        if kind == "image_choice":
            entry["images"] = {c: preview_image(document, name, lang) for c, name in spec["choices"].items()}
            if None in entry["images"].values():
                continue
        elif kind == "hotspot":
            entry["image"] = preview_image(document, spec.get("image", ""), lang)
            if entry["image"] is None:
                continue
            entry["width"], entry["height"] = entry["image"]["width"], entry["image"]["height"]
        questions.append(entry)
    cases = {}
    for case in quiz["cases"]:
        words = _merged(english["cases"].get(case["id"], {}), local.get("cases", {}).get(case["id"], {}))
        images = [{**image, "alt": words.get("media_alt", {}).get(name, "")}
                  for name in case["media"] if (image := preview_image(document, name, lang))]
        cases[case["id"]] = {"text": words.get("text", ""), "lang": lang, "media": images}
    title = doc.get_text(document, lang, ("quizzes", quiz_id, "title")) or english["title"]
    return {"title": title, "questions": questions, "cases": cases, "locale": lang}


def _has_words(words: Any) -> bool:
    return isinstance(words, dict) and bool(words.get("prompt"))


def _merged(english: dict[str, Any], local: dict[str, Any]) -> dict[str, Any]:
    merged = dict(english)
    for key, value in local.items():
        if isinstance(value, dict) and isinstance(english.get(key), dict):
            merged[key] = _merged(english[key], value)
        elif value not in (None, "", {}):
            merged[key] = value
    return merged


def render_preview_markdown(document: dict[str, Any], text: str, lang: str,
                            url_for_file: Callable[[str], str]) -> str:
    """Lesson Markdown as learners get it, with the draft's images."""
    from training_app.content import ImageSource

    def image_url(src: str) -> ImageSource | str:
        image = preview_image(document, src.removeprefix("media/"), lang)
        if image is None:
            return src
        stem, _dot, extension = image["file"].rpartition(".")
        srcset = ", ".join([f"{url_for_file(f'{stem}-{w}.{extension}')} {w}w" for w in image["variants"]]
                           + [f"{url_for_file(image['file'])} {image['width']}w"])
        return ImageSource(url_for_file(image["file"]), srcset if image["variants"] else None, image["width"],
                           image["height"])

    return render_markdown(text, image_url=image_url)


# --- publishing --------------------------------------------------------------------------------------


@dataclass
class PublishCheck:
    languages: list[str]  # what would be published: English and every language with nothing missing
    #: {lang: (missing, needs review)} for languages that are not complete
    incomplete: dict[str, tuple[int, int]]
    problems: list[str] = field(default_factory=list)  # the validator's lines, path:line: message
    missing_alt: list[str] = field(default_factory=list)  # uploaded images without alt text in some language
    lost_attempts: list[str] = field(default_factory=list)  # quizzes with attempts the draft removes
    is_forbidden_incomplete: bool = False  # the admin setting refuses incomplete languages
    published_changed: bool = False  # the published version moved on since the draft was made

    @property
    def can_publish(self) -> bool:
        return not (self.problems or self.missing_alt or self.lost_attempts or self.is_forbidden_incomplete)


def check_publish(db: Session, draft: Draft, media_dir: Path) -> PublishCheck:
    """Everything that would stop or change a publication, without writing anything."""
    check = _language_check(db, draft)
    with tempfile.TemporaryDirectory(prefix="publish-") as tmp:
        check.problems = _export_and_validate(draft, media_dir, Path(tmp), check.languages, _next_version(draft))
    return check


def _language_check(db: Session, draft: Draft) -> PublishCheck:
    document = draft.document
    found = doc.statuses(document, draft.translated_from)
    incomplete = {lang: (len(found[lang][doc.MISSING]), len(found[lang][doc.NEEDS_REVIEW]))
                  for lang in doc.LANGUAGES if found[lang][doc.MISSING] or found[lang][doc.NEEDS_REVIEW]}
    languages = [lang for lang in doc.LANGUAGES if lang == "en" or not found[lang][doc.MISSING]]
    check = PublishCheck(languages, incomplete)
    check.missing_alt = [name for name in doc.uploaded_images(document)
                         if not all(doc.get_text(document, lang, ("media_alt", name)).strip()
                                    for lang in doc.LANGUAGES)]
    check.lost_attempts = _quizzes_losing_attempts(db, draft)
    check.is_forbidden_incomplete = bool(incomplete) and require_complete_translations(db)
    check.published_changed = draft.row is not None and draft.row.base_version != draft.published_version
    return check


def _quizzes_losing_attempts(db: Session, draft: Draft) -> list[str]:
    """Published quizzes with learners' attempts that the draft drops (importing would delete those attempts)."""
    if draft.course is None:
        return []
    kept = {m["id"] for m in draft.document["modules"] if m.get("quiz")}
    modules = db.scalars(select(Module).where(Module.course_id == draft.course.id)).all()
    return [module.quiz.slug for module in modules
            if module.quiz is not None and module.slug not in kept
            and db.scalar(select(Attempt.id).where(Attempt.quiz_id == module.quiz.id).limit(1)) is not None]


def _next_version(draft: Draft) -> int:
    return (draft.published_version or 0) + 1


def _export_and_validate(draft: Draft, media_dir: Path, tmp: Path, languages: list[str], version: int) -> list[str]:
    root = tmp / draft.slug
    export_package(doc.to_package(draft.document, media_dir, languages, version), root)
    return [f"{problem.path.relative_to(tmp)}:{problem.line}: {problem.message}"
            for problem in validate_paths([root])]


def publish(db: Session, draft: Draft, user: User | None, media_dir: Path, now: datetime) -> int:
    """Import the draft as the course's next version; returns it. Raises AuthoringError("cannot_publish").

    Learners' attempts keep their snapshots and stay gradable; lessons and quizzes whose ids survive
    keep their rows. The caller commits.
    """
    check = _language_check(db, draft)
    version = _next_version(draft)
    with tempfile.TemporaryDirectory(prefix="publish-") as tmp:
        check.problems = _export_and_validate(draft, media_dir, Path(tmp), check.languages, version)
        if not check.can_publish:
            raise AuthoringError("cannot_publish", check=check)
        importer.import_package(db, load_package(Path(tmp) / draft.slug), media_dir)
    course = db.scalars(select(Course).where(Course.slug == draft.slug)).one()
    draft.course = course
    document = copy.deepcopy(draft.document)
    document["version"] = version
    _write(db, draft, document, draft.translated_from, user, now, base_version=version)
    record(db, user, "course.publish", target=course,
           details={"course": draft.slug, "version": version, "languages": check.languages}, now=now)
    return version


# --- exports -----------------------------------------------------------------------------------------


def course_zip(db: Session, draft: Draft, media_dir: Path, which: str, out: IO[bytes]) -> None:
    """Write the course package (the published course, or the draft in every language) as a zip into `out`."""
    with tempfile.TemporaryDirectory(prefix="export-") as tmp:
        root = Path(tmp) / draft.slug
        if which == "published":
            if draft.course is None:
                raise NotFound(draft.slug)
            package = package_from_db(db, draft.slug, media_dir)
        else:
            package = doc.to_package(draft.document, media_dir, list(doc.LANGUAGES), _next_version(draft))
        export_package(package, root)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    archive.write(path, str(path.relative_to(tmp)))


def quiz_moodle_xml(draft: Draft, quiz_id: str, lang: str) -> tuple[bytes, list[str]]:
    module_of_quiz(draft.document, quiz_id)
    words = draft.document["texts"][lang]["quizzes"][quiz_id]
    return moodle.quiz_to_moodle_xml(words["title"] or quiz_id, draft.document["quizzes"][quiz_id]["questions"],
                                     words["questions"])


# --- question banks ----------------------------------------------------------------------------------

@dataclass
class ImportReport:
    items: list[moodle.Item]
    quiz_id: str
    question_ids: dict[int, str]  # index in items -> the id given to the imported question

    @property
    def imported(self) -> int:
        return len(self.question_ids)

    @property
    def skipped(self) -> int:
        return len(self.items) - self.imported


def parse_bank(data: bytes, bank_format: str) -> list[moodle.Item]:
    """Raises moodle.BankRefused for a file refused as a whole."""
    if bank_format == "gift":
        return moodle.parse_gift(data)
    if bank_format == "moodle-xml":
        return moodle.parse_moodle_xml(data)
    raise AuthoringError("bad_format")


def import_questions(db: Session, draft: Draft, user: User | None, module_id: str, language: str,
                     items: list[moodle.Item], bank_format: str, now: datetime, dry_run: bool = False) -> ImportReport:
    """Add the imported questions to the module's quiz (made if missing), words in `language`.

    The other languages show these questions as missing until translated. The caller commits.
    """
    if language not in doc.LANGUAGES:
        raise AuthoringError("bad_language")
    module = _module(draft.document, module_id)
    quiz_id = module.get("quiz") or _free_id(f"{module_id}-quiz", draft.document["quizzes"])
    existing = draft.document["quizzes"].get(quiz_id, _empty_quiz())
    taken = {q["id"] for q in existing["questions"]}
    ids = {}
    for index, item in enumerate(items):
        if item.is_imported:
            ids[index] = _free_id(_slugify(item.name) or "question", taken)
            taken.add(ids[index])
    report = ImportReport(items, quiz_id, ids)
    if dry_run or not ids:
        return report

    def change(document: dict[str, Any], _translated_from: dict[str, Any]) -> None:
        target = _module(document, module_id)
        if not target.get("quiz"):
            target["quiz"] = quiz_id
            document["quizzes"][quiz_id] = _empty_quiz()
        quiz = document["quizzes"][quiz_id]
        for index, question_id in ids.items():
            quiz["questions"].append({"id": question_id, **items[index].spec})
        doc.reconcile(document)
        for index, question_id in ids.items():
            for key, value in items[index].words.items():
                _set_words(document, language, ("quizzes", quiz_id, "questions", question_id, key), value)

    _save(db, draft, user, now, change)
    record(db, user, "course.import_questions", target=draft.course or draft.row,
           details={"course": draft.slug, "module": module_id, "format": bank_format, "language": language,
                    "imported": report.imported, "skipped": report.skipped}, now=now)
    return report


def _set_words(document: dict[str, Any], lang: str, path: tuple[str, ...], value: Any) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _set_words(document, lang, (*path, key), inner)
    else:
        doc.set_text(document, lang, path, str(value))


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48].strip("-")


def _free_id(wanted: str, taken: Iterable[str]) -> str:
    taken = set(taken)
    candidate, number = wanted[:64], 2
    while candidate in taken:
        candidate, number = f"{wanted[:58]}-{number}", number + 1
    return candidate
