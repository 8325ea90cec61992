"""The trainer area: edit drafts of courses in three languages, preview, publish, import and export."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from training_app.authoring import document as doc
from training_app.authoring import moodle, services
from training_app.authoring.forms import (
    KIND_LABELS,
    LANGUAGE_LABELS,
    TOPIC_LABELS,
    AddCaseForm,
    AddLessonForm,
    AddModuleForm,
    AddQuestionForm,
    AddQuizForm,
    CaseForm,
    ConfirmForm,
    CourseSettingsForm,
    EditorForm,
    ImportForm,
    ModuleForm,
    NewCourseForm,
    PublishForm,
    QuestionForm,
    QuizSettingsForm,
    SettingsForm,
    UploadForm,
    id_list,
    options,
    texts_form,
)
from training_app.content import render_markdown
from training_app.db import get_session, utcnow
from training_app.forms import ActionForm
from training_app.i18n import format_decimal
from training_app.media import ImageRejected
from training_app.quiz.forms import field_name
from training_app.security import Role, deny, role_required, security_event

bp = Blueprint("authoring", __name__, url_prefix="/authoring")
trainers = role_required(Role.TRAINER, Role.ADMIN)

ERRORS = {
    "bad_id": _l("Use lower-case letters, digits and hyphens, starting with a letter or digit."),
    "id_taken": _l("This id is already used here. Choose another."),
    "slug_taken": _l("A course with this id already exists."),
    "bad_topic": _l("Choose a topic from the list."),
    "bad_order": _l("List every id exactly once, and only those."),
    "has_quiz": _l("This module already has a quiz."),
    "bad_kind": _l("Choose a kind of question from the list."),
    "unknown_question": _l("A case can only hold questions of this quiz."),
    "unknown_image": _l("Choose images of this course."),
    "last_lesson": _l("A module needs at least one lesson: add another before deleting this one."),
    "nothing_to_confirm": _l("There is no translation to confirm yet."),
    "not_a_trainer": _l("No active trainer account has this e-mail."),
    "already_editor": _l("This trainer can already edit the course."),
    "owner_stays": _l("The owner of a course cannot be removed."),
    "bad_language": _l("Choose English, French or Spanish."),
    "bad_format": _l("Choose GIFT or Moodle XML."),
}
IMAGE_ERRORS = {
    "too_large": _l("The file is larger than 10 MB. Make it smaller and upload it again."),
    "svg": _l("SVG drawings are not accepted. Upload a JPEG, PNG or WebP photo."),
    "not_an_image": _l("This file is not a JPEG, PNG or WebP image, or it is damaged."),
    "too_many_pixels": _l("This image has too many pixels (more than 40 million). Make it smaller and upload it "
                          "again."),
}
BANK_REFUSALS = {
    "too_large": _l("The file is larger than 2 MB. Split the question bank into smaller files."),
    "not_utf8": _l("The file is not UTF-8 text. Export it again from Moodle."),
    "empty": _l("The file has no questions."),
    "xml_doctype": _l("The file declares a DTD or entities, which Moodle never writes. Nothing was imported."),
    "xml_malformed": _l("The file is not well-formed XML. Nothing was imported."),
    "not_moodle_xml": _l("The file is XML but not a Moodle question export (its root must be <quiz>)."),
    "too_many": _l("The file has more than 2,000 questions. Split it into smaller files."),
}
SKIP_REASONS = {
    "short_answer": _l("Short-answer questions need free-text grading, which the platform does not do."),
    "essay": _l("Essays need a person to grade them, which the platform does not do."),
    "description": _l("A description is not a question."),
    "cloze": _l("Embedded answers (cloze) have no equivalent here."),
    "unsupported_type": _l("This Moodle question type has no equivalent here."),
    "no_text": _l("The question has no text."),
    "no_correct_answer": _l("No answer is marked correct."),
    "too_few_choices": _l("The question needs at least two choices."),
    "bad_number": _l("The answer is not a number."),
    "malformed": _l("The question could not be read."),
}
NOTES = {
    "images_dropped": _l("Images in the text were left out: upload them and add them by hand."),
    "no_explanation": _l("Write an explanation before publishing."),
}
STATUS_LABELS = {doc.COMPLETE: _l("Complete"), doc.NEEDS_REVIEW: _l("Needs review"), doc.MISSING: _l("Missing")}
DELETE_MESSAGES = {
    "module": _l("The module was deleted from the draft."), "lesson": _l("The lesson was deleted from the draft."),
    "quiz": _l("The quiz was deleted from the draft."), "question": _l("The question was deleted from the draft."),
    "case": _l("The case was deleted from the draft."), "image": _l("The image was deleted from the draft."),
}


def _media_dir() -> Path:
    return current_app.config["MEDIA_PATH"]


def _draft_or_404(db, slug: str) -> services.Draft:
    """The draft of a course this user may edit; any other course is 404, as if it did not exist."""
    if not services.can_edit(db, current_user, slug):
        deny("not_an_editor", course=slug)
    try:
        return services.load_draft(db, slug, _media_dir())
    except services.NotFound:
        deny("no_such_draft", course=slug)


def _found_or_404(function, *args):
    """A part of a draft (module, lesson, quiz…) by its id; one of another course is simply not found."""
    try:
        return function(*args)
    except (services.NotFound, KeyError):
        deny("no_such_part", course=request.view_args.get("slug"))


# --- labels of text fields ----------------------------------------------------------------------------


def field_label(field: doc.Field) -> str:
    """What a text is, in the trainer's language."""
    path, last = field.path, field.path[-1]
    simple = {"title": _("Title"), "summary": _("Summary"), "description": _("Description (Markdown)"),
              "body": _("Lesson text (Markdown)"), "prompt": _("Question (Markdown)"),
              "explanation": _("Explanation (Markdown)"), "unit": _("Unit"), "image_alt": _("Image description"),
              "text": _("Case text (Markdown)")}
    if path[0] == "media_alt":
        return _("Description of the image %(name)s", name=path[1])
    if len(path) >= 3 and path[-3] == "choices":
        choice = path[-2]
        if last == "text":
            return _("Choice %(id)s", id=choice)
        if last == "alt":
            return _("Description of the image of choice %(id)s", id=choice)
        return _("Feedback on choice %(id)s (optional)", id=choice)
    if len(path) >= 2 and path[-2] in ("items", "targets", "regions", "media_alt"):
        return {"items": _("Item %(id)s"), "targets": _("Target %(id)s"), "regions": _("Region %(id)s"),
                "media_alt": _("Description of the image %(id)s")}[path[-2]] % {"id": last}
    if last == "summary":
        return _("Summary (optional)")
    return simple.get(last, last)


def _owner_url(slug: str, owner: tuple[str, ...]) -> str:
    kind = owner[0]
    if kind == "course":
        return url_for("authoring.course_settings", slug=slug)
    if kind == "module":
        return url_for("authoring.edit_module", slug=slug, module_id=owner[1])
    if kind == "lesson":
        return url_for("authoring.edit_lesson", slug=slug, lesson_id=owner[1])
    if kind == "quiz":
        return url_for("authoring.edit_quiz", slug=slug, quiz_id=owner[1])
    if kind == "question":
        return url_for("authoring.edit_question", slug=slug, quiz_id=owner[1], question_id=owner[2])
    if kind == "case":
        return url_for("authoring.edit_case", slug=slug, quiz_id=owner[1], case_id=owner[2])
    return url_for("authoring.media", slug=slug)


# --- the three-language text forms --------------------------------------------------------------------


def _texts(draft: services.Draft, owner: tuple[str, ...], from_request: bool = False):
    """(form, rows) for the texts of one object; rows pair each field with its three inputs and statuses."""
    fields = [field for field in doc.fields(draft.document) if field.owner == owner]
    form_class = texts_form(fields)
    form = form_class() if from_request else form_class(formdata=None)
    if not from_request:
        _fill_texts(form, draft, fields)
    rows = [(field, field_label(field),
             [(lang, form[f"{field.name}_{lang}"], form[f"{field.name}_{lang}_base"],
               doc.field_status(draft.document, draft.translated_from, field, lang)) for lang in doc.LANGUAGES])
            for field in fields]
    return form, fields, rows


def _fill_texts(form, draft: services.Draft, fields: list[doc.Field], keep_values: bool = False) -> None:
    for field in fields:
        for lang in doc.LANGUAGES:
            text = doc.get_text(draft.document, lang, field.path)
            if not keep_values:
                form[f"{field.name}_{lang}"].data = text
            form[f"{field.name}_{lang}_base"].data = doc.text_hash(services.clean_text(text))


def _save_texts(db, draft: services.Draft, owner: tuple[str, ...], template: str, back: str, **context):
    """POST of a text form: save, or show the conflicts beside the trainer's own texts (409)."""
    form, fields, rows = _texts(draft, owner, from_request=True)
    if not form.validate_on_submit():
        return _render(template, draft, texts=form, rows=rows, status=422, **context)
    edits = [services.TextEdit(field, lang, form[f"{field.name}_{lang}"].data or "",
                               form[f"{field.name}_{lang}_base"].data or "")
             for field in fields for lang in doc.LANGUAGES]
    try:
        count = services.save_texts(db, draft, current_user, edits, now=utcnow())
    except services.EditConflict as error:
        db.rollback()
        fresh = services.load_draft(db, draft.slug, _media_dir())
        _fill_texts(form, fresh, fields, keep_values=True)  # a second save is a deliberate overwrite
        labels = {field.key: field_label(field) for field in fields}
        return _render(template, fresh, texts=form, rows=rows, status=409,
                       conflicts=[(labels.get(c.label, c.label), c) for c in error.conflicts], **context)
    db.commit()
    flash(ngettext("%(num)d text saved.", "%(num)d texts saved.", count) if count else _("Nothing changed."),
          "success")
    return redirect(back)


def _render(template: str, draft: services.Draft, status: int = 200, **context):
    return render_template(template, draft=draft, LANGUAGE_LABELS=LANGUAGE_LABELS, STATUS_LABELS=STATUS_LABELS,
                           KIND_LABELS=KIND_LABELS, TOPIC_LABELS=TOPIC_LABELS, title_of=_title_of(draft),
                           base_of=services.structure_hash, **context), status


def _title_of(draft: services.Draft):
    locale = str(get_locale())

    def title(*path: str) -> str:
        return doc.get_text(draft.document, locale, path) or doc.get_text(draft.document, "en", path) or path[-2]

    return title


def _conflict_page(db, draft: services.Draft, template: str, error: services.EditConflict, **context):
    db.rollback()
    fresh = services.load_draft(db, draft.slug, _media_dir())
    return _render(template, fresh, status=409, conflicts=[("", c) for c in error.conflicts], **context)


def _error(error: services.AuthoringError) -> str:
    return str(ERRORS.get(error.code, error.code))


# --- the trainer's courses -----------------------------------------------------------------------------


@bp.get("")
@trainers
def index():
    db = get_session()
    courses = services.editable_courses(db, current_user, str(get_locale()))
    return render_template("authoring/index.html", courses=courses, form=NewCourseForm(formdata=None),
                           is_admin=current_user.role == Role.ADMIN)


@bp.post("/courses")
@trainers
def create_course():
    db = get_session()
    form = NewCourseForm()
    if form.validate_on_submit():
        try:
            services.create_course(db, current_user, form.slug.data, form.topic.data, form.title.data, now=utcnow())
        except services.AuthoringError as error:
            db.rollback()
            form.slug.errors.append(_error(error))
        else:
            db.commit()
            flash(_("The course was created as a draft. Add its first module."), "success")
            return redirect(url_for("authoring.show_course", slug=form.slug.data))
    courses = services.editable_courses(db, current_user, str(get_locale()))
    return render_template("authoring/index.html", courses=courses, form=form,
                           is_admin=current_user.role == Role.ADMIN), 422


@bp.route("/settings", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def settings():
    db = get_session()
    form = SettingsForm()
    if form.validate_on_submit():
        services.set_require_complete_translations(db, form.require_complete.data, now=utcnow())
        db.commit()
        flash(_("The settings were saved."), "success")
        return redirect(url_for("authoring.settings"))
    form.require_complete.data = services.require_complete_translations(db)
    return render_template("authoring/settings.html", form=form)


# --- course ------------------------------------------------------------------------------------------


@bp.get("/courses/<slug>")
@trainers
def show_course(slug: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    return _course_page(db, draft)


def _course_page(db, draft: services.Draft, status: int = 200, **forms):
    found = doc.statuses(draft.document, draft.translated_from)
    summary = {lang: {status: len(found[lang][status]) for status in STATUS_LABELS} for lang in doc.LANGUAGES}
    forms.setdefault("module_form", AddModuleForm(formdata=None))
    forms.setdefault("editor_form", EditorForm(formdata=None))
    return _render("authoring/course_show.html", draft, status=status, summary=summary,
                   editors=services.editors_of(db, draft.slug),
                   may_manage=services.is_owner(db, current_user, draft.slug),
                   action_form=ActionForm(), **forms)


@bp.route("/courses/<slug>/settings", methods=["GET", "POST"])
@trainers
def course_settings(slug: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    back = url_for("authoring.course_settings", slug=slug)
    context = {"settings_form": _settings_form(draft)}
    if _is_post():
        return _save_texts(db, draft, ("course",), "authoring/course_settings.html", back, **context)
    texts, _fields, rows = _texts(draft, ("course",))
    return _render("authoring/course_settings.html", draft, texts=texts, rows=rows, **context)


def _is_post() -> bool:
    return request.method == "POST"


def _settings_form(draft: services.Draft, from_request: bool = False) -> CourseSettingsForm:
    if from_request:
        return CourseSettingsForm()
    document = draft.document
    form = CourseSettingsForm(formdata=None)
    form.topic.data = document["topic"]
    form.estimated_minutes.data = document["estimated_minutes"]
    form.certificate_validity_months.data = document["certificate_validity_months"]
    form.last_verified_on.data = date.fromisoformat(document["last_verified_on"])
    form.sources.data = "\n".join(f"{s['key']} | {s['title']} | {s['url']}" for s in document["sources"])
    form.module_order.data = " ".join(m["id"] for m in document["modules"])
    form.base.data = services.structure_hash(services.course_settings_of(document))
    return form


@bp.post("/courses/<slug>/settings/structure")
@trainers
def save_course_settings(slug: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    form = _settings_form(draft, from_request=True)
    texts, _fields, rows = _texts(draft, ("course",))
    template = "authoring/course_settings.html"
    if not form.validate_on_submit():
        return _render(template, draft, status=422, settings_form=form, texts=texts, rows=rows)
    settings = services.CourseSettings(form.topic.data, form.estimated_minutes.data,
                                       form.certificate_validity_months.data, form.last_verified_on.data.isoformat(),
                                       form.source_list(), id_list(form.module_order.data))
    try:
        services.update_course_settings(db, draft, current_user, settings, form.base.data, now=utcnow())
    except services.EditConflict as error:
        return _conflict_page(db, draft, template, error, settings_form=form, texts=texts, rows=rows)
    except services.AuthoringError as error:
        db.rollback()
        form.module_order.errors.append(_error(error))
        return _render(template, draft, status=422, settings_form=form, texts=texts, rows=rows)
    db.commit()
    flash(_("The course settings were saved."), "success")
    return redirect(url_for("authoring.course_settings", slug=slug))


@bp.post("/courses/<slug>/modules")
@trainers
def add_module(slug: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    form = AddModuleForm()
    if form.validate_on_submit():
        try:
            services.add_module(db, draft, current_user, form.module_id.data, form.module_title.data,
                                form.first_lesson.data, now=utcnow())
        except services.AuthoringError as error:
            db.rollback()
            form.module_id.errors.append(_error(error))
        else:
            db.commit()
            return redirect(url_for("authoring.edit_module", slug=slug, module_id=form.module_id.data))
    return _course_page(db, draft, status=422, module_form=form)


@bp.post("/courses/<slug>/editors")
@trainers
def add_editor(slug: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    if not services.is_owner(db, current_user, slug):
        abort(403)
    form = EditorForm()
    if form.validate_on_submit():
        try:
            services.add_editor(db, slug, form.email.data, now=utcnow())
        except services.AuthoringError as error:
            db.rollback()
            form.email.errors.append(_error(error))
        else:
            db.commit()
            flash(_("The trainer can now edit this course."), "success")
            return redirect(url_for("authoring.show_course", slug=slug))
    return _course_page(db, draft, status=422, editor_form=form)


@bp.post("/courses/<slug>/editors/<int:user_id>/remove")
@trainers
def remove_editor(slug: str, user_id: int):
    db = get_session()
    _draft_or_404(db, slug)
    if not services.is_owner(db, current_user, slug):
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.remove_editor(db, slug, user_id)
    except services.NotFound:
        abort(404)
    except services.AuthoringError as error:
        flash(_error(error), "error")
        return redirect(url_for("authoring.show_course", slug=slug))
    db.commit()
    flash(_("The trainer can no longer edit this course."), "success")
    return redirect(url_for("authoring.show_course", slug=slug))


@bp.post("/courses/<slug>/discard")
@trainers
def discard_draft(slug: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.discard_draft(db, draft, current_user, now=utcnow())
    except services.NotFound:
        abort(404)
    db.commit()
    flash(_("The draft was deleted."), "success")
    return redirect(url_for("authoring.index"))


@bp.post("/courses/<slug>/delete/<what>/<path:ids>")
@trainers
def delete_item(slug: str, what: str, ids: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    if what not in services.DELETABLE:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    parts = tuple(ids.split("/"))
    try:
        services.delete_item(db, draft, current_user, what, parts, now=utcnow())
    except (services.NotFound, KeyError, TypeError):
        abort(404)
    except services.AuthoringError as error:
        flash(_error(error), "error")
        return redirect(url_for("authoring.show_course", slug=slug))
    except services.EditConflict:
        flash(_("Someone changed this course at the same moment. Try again."), "error")
        return redirect(url_for("authoring.show_course", slug=slug))
    db.commit()
    flash(DELETE_MESSAGES[what], "success")
    if what in ("question", "case"):
        return redirect(url_for("authoring.edit_quiz", slug=slug, quiz_id=parts[0]))
    if what == "image":
        return redirect(url_for("authoring.media", slug=slug))
    return redirect(url_for("authoring.show_course", slug=slug))


# --- modules and lessons -----------------------------------------------------------------------------


@bp.route("/courses/<slug>/modules/<module_id>", methods=["GET", "POST"])
@trainers
def edit_module(slug: str, module_id: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    module = _found_or_404(services._module, draft.document, module_id)
    context = _module_context(draft, module)
    back = url_for("authoring.edit_module", slug=slug, module_id=module_id)
    if _is_post():
        return _save_texts(db, draft, ("module", module_id), "authoring/module_edit.html", back, **context)
    texts, _fields, rows = _texts(draft, ("module", module_id))
    return _render("authoring/module_edit.html", draft, texts=texts, rows=rows, **context)


def _module_context(draft: services.Draft, module: dict, **forms) -> dict[str, Any]:
    order = forms.pop("order_form", None)
    if order is None:
        order = ModuleForm(formdata=None)
        order.lesson_order.data = " ".join(module["lessons"])
        order.base.data = services.structure_hash(module)
    return {"module": module, "order_form": order,
            "lesson_form": forms.get("lesson_form") or AddLessonForm(formdata=None),
            "quiz_form": forms.get("quiz_form") or AddQuizForm(formdata=None), "action_form": ActionForm()}


@bp.post("/courses/<slug>/modules/<module_id>/structure")
@trainers
def save_module(slug: str, module_id: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    module = _found_or_404(services._module, draft.document, module_id)
    form = ModuleForm()
    texts, _fields, rows = _texts(draft, ("module", module_id))
    template = "authoring/module_edit.html"
    if form.validate_on_submit():
        try:
            services.update_module(db, draft, current_user, module_id, id_list(form.lesson_order.data),
                                   form.base.data, now=utcnow())
        except services.EditConflict as error:
            return _conflict_page(db, draft, template, error, texts=texts, rows=rows,
                                  **_module_context(draft, module, order_form=form))
        except services.AuthoringError as error:
            db.rollback()
            form.lesson_order.errors.append(_error(error))
        else:
            db.commit()
            flash(_("The order of the lessons was saved."), "success")
            return redirect(url_for("authoring.edit_module", slug=slug, module_id=module_id))
    return _render(template, draft, status=422, texts=texts, rows=rows,
                   **_module_context(draft, module, order_form=form))


@bp.post("/courses/<slug>/modules/<module_id>/lessons")
@trainers
def add_lesson(slug: str, module_id: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    module = _found_or_404(services._module, draft.document, module_id)
    form = AddLessonForm()
    if form.validate_on_submit():
        try:
            services.add_lesson(db, draft, current_user, module_id, form.lesson_id.data, form.lesson_title.data,
                                now=utcnow())
        except services.AuthoringError as error:
            db.rollback()
            form.lesson_id.errors.append(_error(error))
        else:
            db.commit()
            return redirect(url_for("authoring.edit_lesson", slug=slug, lesson_id=form.lesson_id.data))
    texts, _fields, rows = _texts(draft, ("module", module_id))
    return _render("authoring/module_edit.html", draft, status=422, texts=texts, rows=rows,
                   **_module_context(draft, module, lesson_form=form))


@bp.post("/courses/<slug>/modules/<module_id>/quiz")
@trainers
def add_quiz(slug: str, module_id: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    module = _found_or_404(services._module, draft.document, module_id)
    form = AddQuizForm()
    if form.validate_on_submit():
        try:
            services.add_quiz(db, draft, current_user, module_id, form.quiz_id.data, form.quiz_title.data,
                              now=utcnow())
        except services.AuthoringError as error:
            db.rollback()
            form.quiz_id.errors.append(_error(error))
        else:
            db.commit()
            return redirect(url_for("authoring.edit_quiz", slug=slug, quiz_id=form.quiz_id.data))
    texts, _fields, rows = _texts(draft, ("module", module_id))
    return _render("authoring/module_edit.html", draft, status=422, texts=texts, rows=rows,
                   **_module_context(draft, module, quiz_form=form))


@bp.route("/courses/<slug>/lessons/<lesson_id>", methods=["GET", "POST"])
@trainers
def edit_lesson(slug: str, lesson_id: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    module = _found_or_404(services.module_of_lesson, draft.document, lesson_id)
    context = {"module": module, "lesson_id": lesson_id, "action_form": ActionForm(),
               "images": _image_names(draft)}
    back = url_for("authoring.edit_lesson", slug=slug, lesson_id=lesson_id)
    if _is_post():
        return _save_texts(db, draft, ("lesson", lesson_id), "authoring/lesson_edit.html", back, **context)
    texts, _fields, rows = _texts(draft, ("lesson", lesson_id))
    return _render("authoring/lesson_edit.html", draft, texts=texts, rows=rows, **context)


def _image_names(draft: services.Draft) -> list[str]:
    names = list(draft.document["media"])
    names += [name for images in draft.document["lang_media"].values() for name in images if name not in names]
    return sorted(names)


# --- quizzes, questions and cases --------------------------------------------------------------------


def _quiz_context(draft: services.Draft, quiz_id: str, **forms) -> dict[str, Any]:
    settings = forms.get("settings_form")
    if settings is None:
        quiz = draft.document["quizzes"][quiz_id]
        settings = QuizSettingsForm(formdata=None)
        settings.pass_mark.data = quiz["pass_mark"]
        settings.draw.data, settings.max_attempts.data = quiz.get("draw"), quiz.get("max_attempts")
        settings.time_limit_minutes.data, settings.wait_minutes.data = (quiz.get("time_limit_minutes"),
                                                                        quiz.get("wait_minutes"))
        settings.review.data = quiz.get("review") or "full"
        settings.draw_rules.data = "\n".join(f"{r['tag']}: {r['at_least']}" for r in quiz["draw_rules"])
        settings.question_order.data = "\n".join(q["id"] for q in quiz["questions"])
        settings.base.data = services.structure_hash(services.quiz_settings_of(draft.document, quiz_id))
    return {"quiz_id": quiz_id, "quiz": draft.document["quizzes"][quiz_id],
            "module": services.module_of_quiz(draft.document, quiz_id), "settings_form": settings,
            "question_form": forms.get("question_form") or AddQuestionForm(formdata=None),
            "case_form": forms.get("case_form") or AddCaseForm(formdata=None), "action_form": ActionForm()}


@bp.route("/courses/<slug>/quizzes/<quiz_id>", methods=["GET", "POST"])
@trainers
def edit_quiz(slug: str, quiz_id: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    context = _found_or_404(_quiz_context, draft, quiz_id)
    back = url_for("authoring.edit_quiz", slug=slug, quiz_id=quiz_id)
    if _is_post():
        return _save_texts(db, draft, ("quiz", quiz_id), "authoring/quiz_edit.html", back, **context)
    texts, _fields, rows = _texts(draft, ("quiz", quiz_id))
    return _render("authoring/quiz_edit.html", draft, texts=texts, rows=rows, **context)


@bp.post("/courses/<slug>/quizzes/<quiz_id>/structure")
@trainers
def save_quiz(slug: str, quiz_id: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    _found_or_404(_quiz_context, draft, quiz_id)
    form = QuizSettingsForm()
    texts, _fields, rows = _texts(draft, ("quiz", quiz_id))
    template = "authoring/quiz_edit.html"
    if form.validate_on_submit():
        try:
            services.update_quiz_settings(db, draft, current_user, quiz_id, form.settings(),
                                          id_list(form.question_order.data), form.base.data, now=utcnow())
        except services.EditConflict as error:
            return _conflict_page(db, draft, template, error, texts=texts, rows=rows,
                                  **_quiz_context(draft, quiz_id, settings_form=form))
        except services.AuthoringError as error:
            db.rollback()
            form.question_order.errors.append(_error(error))
        else:
            db.commit()
            flash(_("The quiz settings were saved."), "success")
            return redirect(url_for("authoring.edit_quiz", slug=slug, quiz_id=quiz_id))
    return _render(template, draft, status=422, texts=texts, rows=rows,
                   **_quiz_context(draft, quiz_id, settings_form=form))


@bp.post("/courses/<slug>/quizzes/<quiz_id>/questions")
@trainers
def add_question(slug: str, quiz_id: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    _found_or_404(_quiz_context, draft, quiz_id)
    form = AddQuestionForm()
    if form.validate_on_submit():
        try:
            services.add_question(db, draft, current_user, quiz_id, form.question_id.data, form.kind.data,
                                  now=utcnow())
        except services.AuthoringError as error:
            db.rollback()
            form.question_id.errors.append(_error(error))
        else:
            db.commit()
            return redirect(url_for("authoring.edit_question", slug=slug, quiz_id=quiz_id,
                                    question_id=form.question_id.data))
    texts, _fields, rows = _texts(draft, ("quiz", quiz_id))
    return _render("authoring/quiz_edit.html", draft, status=422, texts=texts, rows=rows,
                   **_quiz_context(draft, quiz_id, question_form=form))


@bp.post("/courses/<slug>/quizzes/<quiz_id>/cases")
@trainers
def add_case(slug: str, quiz_id: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    _found_or_404(_quiz_context, draft, quiz_id)
    form = AddCaseForm()
    if form.validate_on_submit():
        try:
            services.add_case(db, draft, current_user, quiz_id, form.case_id.data, now=utcnow())
        except services.AuthoringError as error:
            db.rollback()
            form.case_id.errors.append(_error(error))
        else:
            db.commit()
            return redirect(url_for("authoring.edit_case", slug=slug, quiz_id=quiz_id, case_id=form.case_id.data))
    texts, _fields, rows = _texts(draft, ("quiz", quiz_id))
    return _render("authoring/quiz_edit.html", draft, status=422, texts=texts, rows=rows,
                   **_quiz_context(draft, quiz_id, case_form=form))


def _question_context(draft: services.Draft, quiz_id: str, question_id: str, form: QuestionForm | None = None):
    spec = services.question_in(draft.document, quiz_id, question_id)
    if form is None:
        form = QuestionForm(formdata=None)
        form.fill(spec)
        form.base.data = services.structure_hash(spec)
    form.image.choices = options([("", "—"), *((name, name) for name in _image_names(draft))])
    image = services.preview_image(draft.document, spec.get("image", ""), "en") if spec["kind"] == "hotspot" else None
    return {"quiz_id": quiz_id, "question": spec, "structure_form": form, "action_form": ActionForm(),
            "hotspot_image": image, "images": _image_names(draft)}


@bp.route("/courses/<slug>/quizzes/<quiz_id>/questions/<question_id>", methods=["GET", "POST"])
@trainers
def edit_question(slug: str, quiz_id: str, question_id: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    context = _found_or_404(_question_context, draft, quiz_id, question_id)
    owner = ("question", quiz_id, question_id)
    back = url_for("authoring.edit_question", slug=slug, quiz_id=quiz_id, question_id=question_id)
    if _is_post():
        return _save_texts(db, draft, owner, "authoring/question_edit.html", back, **context)
    texts, _fields, rows = _texts(draft, owner)
    return _render("authoring/question_edit.html", draft, texts=texts, rows=rows, **context)


@bp.post("/courses/<slug>/quizzes/<quiz_id>/questions/<question_id>/structure")
@trainers
def save_question(slug: str, quiz_id: str, question_id: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    spec = _found_or_404(services.question_in, draft.document, quiz_id, question_id)
    form = QuestionForm()
    form.image.choices = options([("", "—"), *((name, name) for name in _image_names(draft))])
    owner = ("question", quiz_id, question_id)
    texts, _fields, rows = _texts(draft, owner)
    template = "authoring/question_edit.html"
    new_spec = form.spec(spec["kind"]) if form.validate_on_submit() else None
    if new_spec is None:
        return _render(template, draft, status=422, texts=texts, rows=rows,
                       **_question_context(draft, quiz_id, question_id, form))
    try:
        services.update_question(db, draft, current_user, quiz_id, question_id, new_spec, form.base.data,
                                 now=utcnow())
    except services.EditConflict as error:
        return _conflict_page(db, draft, template, error, texts=texts, rows=rows,
                              **_question_context(draft, quiz_id, question_id, form))
    db.commit()
    flash(_("The question's structure was saved. Check its texts in every language."), "success")
    return redirect(url_for("authoring.edit_question", slug=slug, quiz_id=quiz_id, question_id=question_id))


def _case_context(draft: services.Draft, quiz_id: str, case_id: str, form: CaseForm | None = None):
    case = services.case_in(draft.document, quiz_id, case_id)
    if form is None:
        form = CaseForm(formdata=None)
        form.questions.data = " ".join(case["questions"])
        form.media.data = list(case["media"])
        form.base.data = services.structure_hash(case)
    form.media.choices = options((name, name) for name in _image_names(draft))
    return {"quiz_id": quiz_id, "case": case, "case_structure": form, "action_form": ActionForm()}


@bp.route("/courses/<slug>/quizzes/<quiz_id>/cases/<case_id>", methods=["GET", "POST"])
@trainers
def edit_case(slug: str, quiz_id: str, case_id: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    context = _found_or_404(_case_context, draft, quiz_id, case_id)
    owner = ("case", quiz_id, case_id)
    back = url_for("authoring.edit_case", slug=slug, quiz_id=quiz_id, case_id=case_id)
    if _is_post():
        return _save_texts(db, draft, owner, "authoring/case_edit.html", back, **context)
    texts, _fields, rows = _texts(draft, owner)
    return _render("authoring/case_edit.html", draft, texts=texts, rows=rows, **context)


@bp.post("/courses/<slug>/quizzes/<quiz_id>/cases/<case_id>/structure")
@trainers
def save_case(slug: str, quiz_id: str, case_id: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    _found_or_404(services.case_in, draft.document, quiz_id, case_id)
    form = CaseForm()
    form.media.choices = options((name, name) for name in _image_names(draft))
    owner = ("case", quiz_id, case_id)
    texts, _fields, rows = _texts(draft, owner)
    template = "authoring/case_edit.html"
    if form.validate_on_submit():
        try:
            services.update_case(db, draft, current_user, quiz_id, case_id, id_list(form.questions.data),
                                 form.media.data or [], form.base.data, now=utcnow())
        except services.EditConflict as error:
            return _conflict_page(db, draft, template, error, texts=texts, rows=rows,
                                  **_case_context(draft, quiz_id, case_id, form))
        except services.AuthoringError as error:
            db.rollback()
            form.questions.errors.append(_error(error))
        else:
            db.commit()
            flash(_("The case was saved."), "success")
            return redirect(url_for("authoring.edit_case", slug=slug, quiz_id=quiz_id, case_id=case_id))
    return _render(template, draft, status=422, texts=texts, rows=rows, **_case_context(draft, quiz_id, case_id, form))


@bp.get("/courses/<slug>/quizzes/<quiz_id>/moodle.xml")
@trainers
def export_quiz(slug: str, quiz_id: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    lang = request.args.get("lang", "en")
    if lang not in doc.LANGUAGES:
        abort(404)
    data, _left_out = _found_or_404(services.quiz_moodle_xml, draft, quiz_id, lang)
    return Response(data, mimetype="application/xml", headers={
        "Content-Disposition": f'attachment; filename="{slug}-{quiz_id}-{lang}.xml"'})


# --- media -------------------------------------------------------------------------------------------


@bp.route("/courses/<slug>/media", methods=["GET", "POST"])
@trainers
def media(slug: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    context = {"upload_form": UploadForm(formdata=None), "action_form": ActionForm(), "images": _media_list(draft),
               "upload_room": _upload_room(services.uploaded_bytes(db, current_user.id))}
    back = url_for("authoring.media", slug=slug)
    if _is_post():
        return _save_texts(db, draft, ("media",), "authoring/media.html", back, **context)
    texts, _fields, rows = _texts(draft, ("media",))
    return _render("authoring/media.html", draft, texts=texts, rows=rows, **context)


def _media_list(draft: services.Draft) -> list[tuple[str, str, dict]]:
    """(name, language or "", image) for every image of the draft."""
    found = [(name, "", image) for name, image in sorted(draft.document["media"].items())]
    for lang, images in sorted(draft.document["lang_media"].items()):
        found += [(name, lang, image) for name, image in sorted(images.items())]
    return found


@bp.post("/courses/<slug>/media/upload")
@trainers
def upload(slug: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    form = UploadForm()
    status = 422
    if form.validate_on_submit():
        try:
            name = services.upload_image(db, draft, current_user, form.file.data.filename or "", form.file.data.stream,
                                         form.language.data, _media_dir(), now=utcnow(),
                                         quota=current_app.config["UPLOAD_QUOTA_BYTES"])
        except services.UploadQuotaExceeded as error:
            db.rollback()
            security_event("upload_quota_exceeded", course=slug, used=error.used, quota=error.quota)
            room = _upload_room(error.used)
            form.file.errors.append(_("This image does not fit in your upload allowance: %(left)s MB left of "
                                      "%(quota)s MB. Nothing was stored. Ask an administrator to raise the "
                                      "allowance.", left=room["left"], quota=room["quota"]))
            status = 413
        except ImageRejected as error:
            form.file.errors.append(str(IMAGE_ERRORS[error.code]))
        except services.EditConflict:
            db.rollback()
            form.file.errors.append(_("Someone changed this course at the same moment. Try again."))
        else:
            db.commit()
            flash(_("The image %(name)s was added. Describe it in every language below.", name=name), "success")
            return redirect(url_for("authoring.media", slug=slug))
    texts, _fields, rows = _texts(draft, ("media",))
    return _render("authoring/media.html", draft, status=status, texts=texts, rows=rows, upload_form=form,
                   action_form=ActionForm(), images=_media_list(draft),
                   upload_room=_upload_room(services.uploaded_bytes(db, current_user.id)))


def _upload_room(used: int) -> dict[str, str]:
    """The user's upload quota in MB, formatted: used, left and quota."""
    quota = current_app.config["UPLOAD_QUOTA_BYTES"]

    def mb(size: int) -> str:
        return format_decimal(round(size / (1024 * 1024), 1))

    return {"used": mb(used), "left": mb(max(quota - used, 0)), "quota": mb(quota)}


# --- translations ------------------------------------------------------------------------------------


@bp.get("/courses/<slug>/translations")
@trainers
def translations(slug: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    found = doc.statuses(draft.document, draft.translated_from)
    links = {field.key: f"{_owner_url(slug, field.owner)}#{field.name}" for field in doc.fields(draft.document)}
    labels = {field.key: field_label(field) for field in doc.fields(draft.document)}
    places = {field.key: _place(draft, field) for field in doc.fields(draft.document)}
    return _render("authoring/translations.html", draft, found=found, links=links, labels=labels, places=places,
                   confirm_form=ConfirmForm(formdata=None))


def _place(draft: services.Draft, field: doc.Field) -> str:
    """Where a text is, for the translation list: the object's id path."""
    owner = field.owner
    if owner[0] == "course":
        return _("Course")
    if owner[0] == "media":
        return _("Images")
    return " › ".join(owner[1:])


@bp.post("/courses/<slug>/translations/confirm")
@trainers
def confirm_translation(slug: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.confirm_translation(db, draft, current_user, form.key.data, form.lang.data, now=utcnow())
    except services.NotFound:
        abort(404)
    except services.AuthoringError as error:
        flash(_error(error), "error")
        return redirect(url_for("authoring.translations", slug=slug))
    except services.EditConflict:
        db.rollback()
        flash(_("Someone changed this course at the same moment. Try again."), "error")
        return redirect(url_for("authoring.translations", slug=slug))
    db.commit()
    flash(_("The translation is marked as up to date."), "success")
    return redirect(url_for("authoring.translations", slug=slug))


# --- preview -----------------------------------------------------------------------------------------


@bp.get("/courses/<slug>/preview/<lang>/lessons/<lesson_id>")
@trainers
def preview_lesson(slug: str, lang: str, lesson_id: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    if lang not in doc.LANGUAGES:
        abort(404)
    text = _found_or_404(services.preview_lesson, draft.document, lesson_id, lang)
    lessons = [lesson for module in draft.document["modules"] for lesson in module["lessons"]]
    body = services.render_preview_markdown(draft.document, text.body, text.lang,
                                            lambda name: url_for("learn.media_file", name=name))
    article = {"title": text.title, "is_fallback": text.is_fallback, "position": lessons.index(lesson_id) + 1,
               "total": len(lessons), "body": body}
    with force_locale(lang):  # the whole page as a learner reading `lang` gets it
        page = render_template(
            "authoring/preview_lesson.html", draft=draft, article=article, lang=lang, LANGUAGE_LABELS=LANGUAGE_LABELS,
            other_urls={code: url_for("authoring.preview_lesson", slug=slug, lang=code, lesson_id=lesson_id)
                        for code in doc.LANGUAGES},
            back_url=url_for("authoring.edit_lesson", slug=slug, lesson_id=lesson_id))
    return page


@bp.get("/courses/<slug>/preview/<lang>/quizzes/<quiz_id>")
@trainers
def preview_quiz(slug: str, lang: str, quiz_id: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    if lang not in doc.LANGUAGES:
        abort(404)
    snapshot = _found_or_404(services.preview_quiz, draft.document, quiz_id, lang)
    with force_locale(lang):
        page = render_template(
            "authoring/preview_quiz.html", draft=draft, snapshot=snapshot, lang=lang, LANGUAGE_LABELS=LANGUAGE_LABELS,
            other_urls={code: url_for("authoring.preview_quiz", slug=slug, lang=code, quiz_id=quiz_id)
                        for code in doc.LANGUAGES},
            back_url=url_for("authoring.edit_quiz", slug=slug, quiz_id=quiz_id), field_name=field_name,
            markdown=render_markdown, locale=lang,
            image_url=lambda image: url_for("learn.media_file", name=image["file"]), image_srcset=_srcset,
        )
    return page


def _srcset(image: dict[str, Any]) -> str:
    stem, _dot, extension = image["file"].rpartition(".")
    copies = [(url_for("learn.media_file", name=f"{stem}-{width}.{extension}"), width) for width in image["variants"]]
    copies.append((url_for("learn.media_file", name=image["file"]), image["width"]))
    return ", ".join(f"{url} {width}w" for url, width in copies)


# --- publishing and exports --------------------------------------------------------------------------


@bp.get("/courses/<slug>/publish")
@trainers
def publish_check(slug: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    check = services.check_publish(db, draft, _media_dir())
    return _render("authoring/publish.html", draft, check=check, form=PublishForm(formdata=None))


@bp.post("/courses/<slug>/publish")
@trainers
def publish(slug: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    check = services.check_publish(db, draft, _media_dir())
    if check.incomplete and not form.confirm_incomplete.data and check.can_publish:
        form.confirm_incomplete.errors.append(_("Some languages are incomplete: tick the box to publish anyway."))
        return _render("authoring/publish.html", draft, status=422, check=check, form=form)
    try:
        version = services.publish(db, draft, current_user, _media_dir(), now=utcnow())
    except services.AuthoringError as error:
        db.rollback()
        return _render("authoring/publish.html", draft, status=422, check=error.params["check"], form=form)
    except services.EditConflict:
        db.rollback()
        flash(_("Someone changed this course at the same moment. Check it and publish again."), "error")
        return redirect(url_for("authoring.publish_check", slug=slug))
    db.commit()
    flash(_("Version %(version)d is published: learners see it now.", version=version), "success")
    return redirect(url_for("authoring.show_course", slug=slug))


@bp.get("/courses/<slug>/export.zip")
@trainers
def export_course(slug: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    which = "draft" if request.args.get("source") == "draft" else "published"
    # In memory: a course package is a few megabytes, and no file is left behind if the download is cut.
    out = io.BytesIO()
    try:
        services.course_zip(db, draft, _media_dir(), which, out)
    except services.NotFound:
        abort(404)
    out.seek(0)
    suffix = "-draft" if which == "draft" else f"-v{draft.published_version}"
    return send_file(out, mimetype="application/zip", as_attachment=True, download_name=f"{slug}{suffix}.zip")


# --- question banks ----------------------------------------------------------------------------------


def _import_form(draft: services.Draft, from_request: bool) -> ImportForm:
    form = ImportForm() if from_request else ImportForm(formdata=None)
    title = _title_of(draft)
    form.module.choices = options((m["id"], title("course", "modules", m["id"], "title"))
                                  for m in draft.document["modules"])
    return form


@bp.get("/courses/<slug>/import-questions")
@trainers
def import_questions_form(slug: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    return _render("authoring/import.html", draft, form=_import_form(draft, False))


@bp.post("/courses/<slug>/import-questions")
@trainers
def import_questions(slug: str):
    db = get_session()
    draft = _draft_or_404(db, slug)
    form = _import_form(draft, True)
    if not form.validate_on_submit():
        return _render("authoring/import.html", draft, status=422, form=form)
    try:
        data = form.file.data.stream.read(moodle.MAX_BYTES + 1)
        items = services.parse_bank(data, form.bank_format.data)
        report = services.import_questions(db, draft, current_user, form.module.data, form.language.data, items,
                                           form.bank_format.data, now=utcnow(), dry_run=form.dry_run.data)
    except moodle.BankRefused as error:
        form.file.errors.append(str(BANK_REFUSALS[error.code]))
        return _render("authoring/import.html", draft, status=422, form=form)
    except services.NotFound:
        form.module.errors.append(_("Choose a module of this course."))
        return _render("authoring/import.html", draft, status=422, form=form)
    except services.EditConflict:
        db.rollback()
        form.file.errors.append(_("Someone changed this course at the same moment. Try again."))
        return _render("authoring/import.html", draft, status=409, form=form)
    if not form.dry_run.data:
        db.commit()
    return _render("authoring/import_report.html", draft, status=200 if report.imported else 422, report=report,
                   dry_run=form.dry_run.data, SKIP_REASONS=SKIP_REASONS, NOTES=NOTES)
