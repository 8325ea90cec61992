"""A course draft as a plain JSON document, and the text fields a trainer translates.

Pure functions: no Flask, no database. The document has the shape of a course package
(docs/course-format.md), with dates as ISO text and every image named by its stored file:

    {"slug", "version", "topic", "languages", "estimated_minutes", "certificate_validity_months",
     "last_verified_on": "2026-11-01", "sources": [{key, title, url}],
     "modules": [{"id", "lessons": [...], "quiz": id | None}],
     "quizzes": {quiz id: {"pass_mark", "draw", "draw_rules", "max_attempts", "time_limit_minutes",
                           "wait_minutes", "review", "cases": [{id, questions, media}], "questions": [spec]}},
     "texts": {lang: {"course": {title, summary, description, modules: {id: {title, summary}}},
                      "lessons": {id: {title, summary, body}},
                      "quizzes": {id: {title, cases: {...}, questions: {...}}},
                      "media_alt": {image name: alt}}},
     "media": {name: Image}, "lang_media": {lang: {name: Image}}}

An Image is {"file": "<sha>.<ext>" (served), "source": sha of the package's own bytes or None,
"width", "height", "variants", "uploaded"}. Optional words (summaries, feedback, units) are kept
as "" in the draft and left out of the package when empty.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from training_app.content import (
    SOURCE_LANGUAGE,
    SUPPORTED_LANGUAGES,
    Case,
    CoursePackage,
    CourseText,
    DrawRule,
    LessonText,
    Module,
    ModuleText,
    Quiz,
    QuizText,
    Source,
    Translation,
)

LANGUAGES = SUPPORTED_LANGUAGES
Path_ = tuple[str, ...]
#: words a language may leave out, when English leaves them out too
OPTIONAL_KEYS = frozenset({"summary", "feedback", "unit"})
MARKDOWN_KEYS = frozenset({"description", "body", "prompt", "explanation", "text"})


# --- building documents ----------------------------------------------------------------------------


def empty_document(slug: str, topic: str, title: str, today: date) -> dict[str, Any]:
    """A new course with no module yet; `title` is its English title."""
    texts = {lang: {"course": {"title": "", "summary": "", "description": "", "modules": {}},
                    "lessons": {}, "quizzes": {}, "media_alt": {}} for lang in LANGUAGES}
    texts[SOURCE_LANGUAGE]["course"]["title"] = title
    return {"slug": slug, "version": 1, "topic": topic, "languages": list(LANGUAGES), "estimated_minutes": 60,
            "certificate_validity_months": 24, "last_verified_on": today.isoformat(), "sources": [],
            "modules": [], "quizzes": {}, "texts": texts, "media": {}, "lang_media": {}}


def document_from_package(package: CoursePackage, images: dict[tuple[str, str], dict[str, Any]]) -> dict[str, Any]:
    """The document of a published course; `images` maps (name, locale or "") to its Image."""
    document = {
        "slug": package.slug, "version": package.version, "topic": package.topic,
        "languages": list(LANGUAGES), "estimated_minutes": package.estimated_minutes,
        "certificate_validity_months": package.certificate_validity_months,
        "last_verified_on": package.last_verified_on.isoformat(),
        "sources": [{"key": s.key, "title": s.title, "url": s.url} for s in package.sources],
        "modules": [{"id": m.id, "lessons": list(m.lessons), "quiz": m.quiz} for m in package.modules],
        "quizzes": {quiz_id: _quiz_document(quiz) for quiz_id, quiz in package.quizzes.items()},
        "texts": {},
        "media": {name: image for (name, locale), image in images.items() if locale == ""},
        "lang_media": {},
    }
    for lang in LANGUAGES:
        texts = package.texts.get(lang)
        document["texts"][lang] = _texts_document(texts) if texts else {}
        local = {name: image for (name, locale), image in images.items() if locale == lang}
        if local:
            document["lang_media"][lang] = local
    reconcile(document)
    return document


def _quiz_document(quiz: Quiz) -> dict[str, Any]:
    return {
        "pass_mark": quiz.pass_mark, "draw": quiz.draw,
        "draw_rules": [{"tag": rule.tag, "at_least": rule.at_least} for rule in quiz.draw_rules],
        "max_attempts": quiz.max_attempts, "time_limit_minutes": quiz.time_limit_minutes,
        "wait_minutes": quiz.wait_minutes, "review": quiz.review or "full",
        "cases": [{"id": c.id, "questions": list(c.questions), "media": list(c.media)} for c in quiz.cases],
        "questions": [copy.deepcopy(dict(question)) for question in quiz.questions],
    }


def _texts_document(texts: Translation) -> dict[str, Any]:
    return {
        "course": {"title": texts.course.title, "summary": texts.course.summary,
                   "description": texts.course.description,
                   "modules": {mid: {"title": m.title, "summary": m.summary or ""}
                               for mid, m in texts.course.modules.items()}},
        "lessons": {lid: {"title": lesson.title, "summary": lesson.summary or "", "body": lesson.body}
                    for lid, lesson in texts.lessons.items()},
        "quizzes": {qid: {"title": quiz.title, "cases": copy.deepcopy(dict(quiz.cases)),
                          "questions": copy.deepcopy(dict(quiz.questions))}
                    for qid, quiz in texts.quizzes.items()},
        "media_alt": {},
    }


# --- words that follow the structure -------------------------------------------------------------


def question_words_shape(spec: dict[str, Any]) -> dict[str, Any]:
    """The words a question needs in each language, as a tree of "" (optional ones included)."""
    words: dict[str, Any] = {"prompt": "", "explanation": ""}
    kind = spec.get("kind")
    if kind in ("single_choice", "multiple_response"):
        words["choices"] = {c: {"text": "", "feedback": ""} for c in spec.get("choices", [])}
    elif kind == "image_choice":
        words["choices"] = {c: {"alt": "", "feedback": ""} for c in spec.get("choices", {})}
    elif kind == "matching":
        words["items"] = {item: "" for item in spec.get("items", [])}
        words["targets"] = {target: "" for target in spec.get("targets", [])}
    elif kind == "ordering":
        words["items"] = {item: "" for item in spec.get("correct", [])}
    elif kind == "numeric":
        words["unit"] = ""
    elif kind == "hotspot":
        words["image_alt"] = ""
        words["regions"] = {region["id"]: "" for region in spec.get("regions", [])}
    return words


def case_words_shape(case: dict[str, Any]) -> dict[str, Any]:
    words: dict[str, Any] = {"text": ""}
    if case.get("media"):
        words["media_alt"] = {name: "" for name in case["media"]}
    return words


def _filled(shape: dict[str, Any], old: Any) -> dict[str, Any]:
    """`shape` with the values `old` has for the same keys."""
    old = old if isinstance(old, dict) else {}
    result = {}
    for key, blank in shape.items():
        if isinstance(blank, dict):
            result[key] = _filled(blank, old.get(key))
        else:
            value = old.get(key)
            result[key] = "" if value is None else str(value)
    return result


def reconcile(document: dict[str, Any]) -> None:
    """Give every language exactly the words the structure names: new ids get "", removed ids go."""
    for lang in LANGUAGES:
        old = document["texts"].get(lang) or {}
        course = old.get("course") or {}
        texts = {
            "course": {
                "title": course.get("title") or "", "summary": course.get("summary") or "",
                "description": course.get("description") or "",
                "modules": {m["id"]: _filled({"title": "", "summary": ""}, (course.get("modules") or {}).get(m["id"]))
                            for m in document["modules"]},
            },
            "lessons": {lid: _filled({"title": "", "summary": "", "body": ""}, (old.get("lessons") or {}).get(lid))
                        for m in document["modules"] for lid in m["lessons"]},
            "quizzes": {},
            "media_alt": {name: ((old.get("media_alt") or {}).get(name) or "") for name in uploaded_images(document)},
        }
        for quiz_id, quiz in document["quizzes"].items():
            old_quiz = (old.get("quizzes") or {}).get(quiz_id) or {}
            texts["quizzes"][quiz_id] = {
                "title": old_quiz.get("title") or "",
                "cases": {case["id"]: _filled(case_words_shape(case), (old_quiz.get("cases") or {}).get(case["id"]))
                          for case in quiz["cases"]},
                "questions": {q["id"]: _filled(question_words_shape(q), (old_quiz.get("questions") or {}).get(q["id"]))
                              for q in quiz["questions"]},
            }
        document["texts"][lang] = texts


def uploaded_images(document: dict[str, Any]) -> list[str]:
    """Names of the images uploaded in the editor (they need alt text in every language)."""
    names = [name for name, image in document["media"].items() if image.get("uploaded")]
    for images in document["lang_media"].values():
        names += [name for name, image in images.items() if image.get("uploaded") and name not in names]
    return names


# --- text fields ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One translatable text: where it is in each language's words, and what it is."""

    path: Path_
    #: the page that edits it: ("course",), ("module", id), ("lesson", id), ("quiz", id),
    #: ("question", quiz id, id), ("case", quiz id, id) or ("media",)
    owner: tuple[str, ...]

    @property
    def key(self) -> str:
        return json.dumps(list(self.path))

    @property
    def name(self) -> str:
        """A form field name made of safe characters."""
        return "f" + hashlib.sha1(self.key.encode(), usedforsecurity=False).hexdigest()[:12]

    @property
    def is_optional(self) -> bool:
        return self.path[-1] in OPTIONAL_KEYS

    @property
    def is_markdown(self) -> bool:
        return self.path[-1] in MARKDOWN_KEYS and self.path[0] != "media_alt"


def fields(document: dict[str, Any]) -> list[Field]:
    """Every translatable text of the document, in course order."""
    found = [Field(("course", key), ("course",)) for key in ("title", "summary", "description")]
    for module in document["modules"]:
        found += [Field(("course", "modules", module["id"], key), ("module", module["id"]))
                  for key in ("title", "summary")]
        for lesson_id in module["lessons"]:
            found += [Field(("lessons", lesson_id, key), ("lesson", lesson_id)) for key in ("title", "summary", "body")]
        if module.get("quiz"):
            found += quiz_fields(document, module["quiz"])
    found += [Field(("media_alt", name), ("media",)) for name in uploaded_images(document)]
    return found


def quiz_fields(document: dict[str, Any], quiz_id: str) -> list[Field]:
    quiz = document["quizzes"].get(quiz_id)
    if quiz is None:
        return []
    found = [Field(("quizzes", quiz_id, "title"), ("quiz", quiz_id))]
    for case in quiz["cases"]:
        owner = ("case", quiz_id, case["id"])
        found += [Field(("quizzes", quiz_id, "cases", case["id"], *leaf), owner)
                  for leaf in _leaves(case_words_shape(case))]
    for question in quiz["questions"]:
        owner = ("question", quiz_id, question["id"])
        found += [Field(("quizzes", quiz_id, "questions", question["id"], *leaf), owner)
                  for leaf in _leaves(question_words_shape(question))]
    return found


def _leaves(tree: dict[str, Any], prefix: Path_ = ()) -> list[Path_]:
    leaves = []
    for key, value in tree.items():
        if isinstance(value, dict):
            leaves += _leaves(value, (*prefix, key))
        else:
            leaves.append((*prefix, key))
    return leaves


def get_text(document: dict[str, Any], lang: str, path: Path_) -> str:
    node: Any = document["texts"].get(lang) or {}
    for key in path:
        if not isinstance(node, dict):
            return ""
        node = node.get(key)
    return node if isinstance(node, str) else ""


def set_text(document: dict[str, Any], lang: str, path: Path_, value: str) -> None:
    node = document["texts"].setdefault(lang, {})
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def text_hash(text: str) -> str:
    """What a translation remembers of the English text it was made from."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# --- translation status ----------------------------------------------------------------------------

COMPLETE, NEEDS_REVIEW, MISSING = "complete", "needs_review", "missing"


def field_status(document: dict[str, Any], translated_from: dict[str, Any], field: Field, lang: str) -> str | None:
    """complete, needs_review or missing; None for an optional field English leaves empty."""
    english = get_text(document, SOURCE_LANGUAGE, field.path)
    if field.is_optional and not english.strip():
        return None
    text = get_text(document, lang, field.path)
    if not text.strip():
        return MISSING
    if lang == SOURCE_LANGUAGE:
        return COMPLETE
    return COMPLETE if translated_from.get(field.key, {}).get(lang) == text_hash(english) else NEEDS_REVIEW


def statuses(document: dict[str, Any], translated_from: dict[str, Any]) -> dict[str, dict[str, list[Field]]]:
    """{lang: {status: [fields]}} for every language."""
    result: dict[str, dict[str, list[Field]]] = {
        lang: {COMPLETE: [], NEEDS_REVIEW: [], MISSING: []} for lang in LANGUAGES}
    for field in fields(document):
        for lang in LANGUAGES:
            status = field_status(document, translated_from, field, lang)
            if status:
                result[lang][status].append(field)
    return result


def all_translated(document: dict[str, Any]) -> dict[str, Any]:
    """translated_from for a document whose every present translation is taken as up to date."""
    found: dict[str, Any] = {}
    for field in fields(document):
        english = get_text(document, SOURCE_LANGUAGE, field.path)
        for lang in LANGUAGES:
            if lang != SOURCE_LANGUAGE and english.strip() and get_text(document, lang, field.path).strip():
                found.setdefault(field.key, {})[lang] = text_hash(english)
    return found


# --- the package ------------------------------------------------------------------------------------


def image_path(media_dir: Path, image: dict[str, Any]) -> Path:
    """The file to put in the package: the package's own bytes if kept, else the stored clean copy."""
    if image.get("source"):
        return media_dir / "source" / image["source"]
    return media_dir / image["file"]


def to_package(document: dict[str, Any], media_dir: Path, languages: list[str], version: int) -> CoursePackage:
    """The course package of the draft in `languages` (English first), numbered `version`."""
    quizzes = {}
    for quiz_id, quiz in document["quizzes"].items():
        quizzes[quiz_id] = Quiz(
            id=quiz_id, pass_mark=quiz["pass_mark"], questions=tuple(copy.deepcopy(quiz["questions"])),
            draw=quiz.get("draw"), draw_rules=tuple(DrawRule(r["tag"], r["at_least"]) for r in quiz["draw_rules"]),
            max_attempts=quiz.get("max_attempts"), time_limit_minutes=quiz.get("time_limit_minutes"),
            wait_minutes=quiz.get("wait_minutes"), review=quiz.get("review"),
            cases=tuple(Case(c["id"], tuple(c["questions"]), tuple(c.get("media", []))) for c in quiz["cases"]),
        )
    return CoursePackage(
        path=Path(document["slug"]), slug=document["slug"], version=version, topic=document["topic"],
        languages=tuple(languages), estimated_minutes=document["estimated_minutes"],
        certificate_validity_months=document["certificate_validity_months"],
        last_verified_on=date.fromisoformat(document["last_verified_on"]),
        sources=tuple(Source(s["key"], s["title"], s["url"]) for s in document["sources"]),
        modules=tuple(Module(m["id"], tuple(m["lessons"]), m.get("quiz")) for m in document["modules"]),
        quizzes=quizzes,
        texts={lang: _translation(document, lang, media_dir) for lang in languages},
        media={name: image_path(media_dir, image) for name, image in document["media"].items()},
    )


def _translation(document: dict[str, Any], lang: str, media_dir: Path) -> Translation:
    texts = document["texts"][lang]
    course = texts["course"]
    return Translation(
        language=lang,
        course=CourseText(
            title=course["title"], summary=course["summary"], description=course["description"],
            modules={m["id"]: ModuleText(course["modules"][m["id"]]["title"],
                                         course["modules"][m["id"]]["summary"] or None)
                     for m in document["modules"]},
        ),
        lessons={lid: LessonText(texts["lessons"][lid]["title"], texts["lessons"][lid]["body"],
                                 texts["lessons"][lid]["summary"] or None)
                 for m in document["modules"] for lid in m["lessons"]},
        quizzes={qid: QuizText(words["title"], _without_blank_optional(words["questions"]),
                               _without_blank_optional(words["cases"]))
                 for qid, words in texts["quizzes"].items()},
        media={name: image_path(media_dir, image) for name, image in document["lang_media"].get(lang, {}).items()},
    )


def _without_blank_optional(tree: dict[str, Any]) -> dict[str, Any]:
    result = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            result[key] = _without_blank_optional(value)
        elif not (key in OPTIONAL_KEYS and not value):
            result[key] = value
    return result


def image_for(document: dict[str, Any], name: str, lang: str) -> dict[str, Any] | None:
    """The image a learner reading `lang` sees for `name`: a per-language copy wins."""
    return document["lang_media"].get(lang, {}).get(name) or document["media"].get(name)
