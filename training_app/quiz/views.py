"""Taking a quiz: start or resume, one page at a time (saved at every page change and, with
JavaScript, at every change), submit once, and the result with its review."""

from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from training_app.content import render_markdown
from training_app.db import get_session, utcnow
from training_app.forms import ActionForm
from training_app.learn import services as learn
from training_app.quiz import grading, services
from training_app.quiz.forms import AnswersForm, field_name, seq_name
from training_app.quiz.models import Attempt
from training_app.security import deny

bp = Blueprint("quiz", __name__)

#: the translated message for each grading.InvalidAnswer and QuizError code ("wait" needs a number)
ERRORS = {
    "malformed": _l("This answer could not be read. Reload the page and answer again."),
    "unknown_choice": _l("This answer is not one of the options of this question."),
    "duplicate_choice": _l("Each option can be given only once: give each step a different number."),
    "incomplete": _l("Give every step a number, or leave them all blank."),
    "not_a_number": _l("Enter a number, for example 1.43 or 1,43."),
    "outside_image": _l("The click was outside the image. Click on the image itself."),
    "no_attempts_left": _l("You have used all your attempts at this quiz."),
    "submitted": _l("This attempt has been submitted: its answers can no longer change."),
    "time_up": _l("The time limit has passed: answers given after it are not counted."),
    "unknown_question": _l("This question is not part of your attempt."),
}
REVIEW_STATES = {
    "correct": _l("Correct"),
    "partial": _l("Partly correct"),
    "incorrect": _l("Incorrect"),
    "unanswered": _l("Not answered"),
}


@bp.post("/quizzes/<int:quiz_id>/attempts")
@login_required
def start_attempt(quiz_id: int):
    db = get_session()
    found = _quiz_or_404(db, quiz_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        attempt = services.start_attempt(db, current_user.id, found, str(get_locale()), utcnow())
    except services.QuizError as error:
        flash(_error_message(error, utcnow()), "error")
        return redirect(url_for("learn.show_course", slug=found.course.slug, _anchor=f"module-{found.module.slug}"))
    db.commit()
    if attempt.submitted_at is not None:
        flash(_("The time limit had passed: the answers you saved in time were graded."), "info")
        return redirect(url_for("quiz.show_result", attempt_id=attempt.id))
    return redirect(url_for("quiz.show_attempt", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>")
@login_required
def show_attempt(attempt_id: int):
    db = get_session()
    attempt = _attempt_or_404(db, attempt_id)
    if attempt.submitted_at is not None:
        return redirect(url_for("quiz.show_result", attempt_id=attempt.id))
    page = request.args.get("page", 1, type=int)
    if not 1 <= page <= len(services.pages(attempt.snapshot)) + 1:
        abort(404)
    form = AnswersForm.for_attempt(attempt.snapshot)
    return _render_attempt(db, attempt, page, services.saved_answers(db, attempt), form)


@bp.post("/attempts/<int:attempt_id>/answers")
@login_required
def save_answers(attempt_id: int):
    db = get_session()
    attempt = _attempt_or_404(db, attempt_id)
    form = AnswersForm.for_attempt(attempt.snapshot)
    pages = services.pages(attempt.snapshot)
    if not form.validate_on_submit() or not 1 <= form.page.data <= len(pages):
        return render_template("errors/error.html", status=400,
                               message=_("This page of the quiz does not exist. Go back to the quiz and try again.")
                               ), 400
    questions = pages[form.page.data - 1]
    raw = form.raw_answers(questions)
    try:
        services.save_answers(db, attempt, raw, utcnow(), form.seqs(questions), from_page=True)
    except grading.InvalidAnswer as error:
        answers = {**services.saved_answers(db, attempt), **_typed_numbers(attempt, raw)}
        return _render_attempt(db, attempt, form.page.data, answers, form,
                               errors={error.question_id: str(ERRORS[error.code])}), 422
    except services.QuizError as error:
        flash(_error_message(error, utcnow()), "error")
        return redirect(url_for("quiz.show_attempt", attempt_id=attempt.id))
    db.commit()
    return redirect(url_for("quiz.show_attempt", attempt_id=attempt.id, page=_target(form, len(pages))))


@bp.post("/attempts/<int:attempt_id>/autosave")
@login_required
def autosave(attempt_id: int):
    """JSON {"answers": {question id: answer}, "seq": {question id: number}}, sent by quiz.js at every change.

    An answer whose number is not above the stored one's is an old request arriving late: it is not
    saved, and the answer is 409 {"code": "stale", "stale": {question id: stored number}}, which quiz.js
    handles without a word to the learner. Without "seq" (an older page) every answer is saved.
    """
    db = get_session()
    attempt = _attempt_or_404(db, attempt_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("answers"), dict) or not _valid_seqs(body.get("seq")):
        return jsonify(code="malformed", error=str(ERRORS["malformed"])), 400
    try:
        stale = services.save_answers(db, attempt, body["answers"], utcnow(), body.get("seq"))
    except grading.InvalidAnswer as error:
        return jsonify(code=error.code, question_id=error.question_id, error=str(ERRORS[error.code])), 422
    except services.QuizError as error:
        status = 422 if error.code == "unknown_question" else 409  # 409: the attempt is closed to answers
        return jsonify(code=error.code, question_id=error.question_id, error=_error_message(error, utcnow())), status
    db.commit()
    if stale:
        return jsonify(code="stale", stale=stale), 409
    return jsonify(saved=True)


def _valid_seqs(seqs: object) -> bool:
    """None, or {question id: a whole number from 1 to services.MAX_SEQ}."""
    return seqs is None or (isinstance(seqs, dict) and all(
        type(seq) is int and 1 <= seq <= services.MAX_SEQ for seq in seqs.values()))


@bp.post("/attempts/<int:attempt_id>/submit")
@login_required
def submit_attempt(attempt_id: int):
    db = get_session()
    attempt = _attempt_or_404(db, attempt_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.submit(db, attempt, utcnow())  # a second submit changes nothing
    db.commit()
    return redirect(url_for("quiz.show_result", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>/result")
@login_required
def show_result(attempt_id: int):
    db = get_session()
    attempt = _attempt_or_404(db, attempt_id)
    if attempt.submitted_at is None:
        return redirect(url_for("quiz.show_attempt", attempt_id=attempt.id))
    found = services.quiz_in_course(db, attempt.quiz_id)
    summary = services.summaries(db, current_user.id, [found.quiz], utcnow())[found.quiz.id]
    return render_template(
        "quiz/result.html", attempt=attempt, snapshot=attempt.snapshot, found=found, summary=summary,
        answers=services.saved_answers(db, attempt), full_review=found.quiz.review == "full",
        pages=services.pages(attempt.snapshot), form=ActionForm(), **_helpers(attempt),
    )


# --- helpers ---------------------------------------------------------------------------------------


def _quiz_or_404(db, quiz_id: int) -> services.QuizInCourse:
    try:
        return services.quiz_in_course(db, quiz_id)
    except services.NotFound:
        deny("no_such_quiz", quiz_id=quiz_id)


def _attempt_or_404(db, attempt_id: int) -> Attempt:
    try:
        return services.own_attempt(db, attempt_id, current_user.id)
    except services.NotFound:
        deny("not_own_attempt", attempt_id=attempt_id)


def _render_attempt(db, attempt: Attempt, page: int, answers: dict, form: AnswersForm, errors: dict | None = None):
    pages = services.pages(attempt.snapshot)
    now = utcnow()
    return render_template(
        "quiz/attempt_show.html", attempt=attempt, snapshot=attempt.snapshot, pages=pages, page=page,
        questions=pages[page - 1] if page <= len(pages) else [], answers=answers, errors=errors or {},
        seqs=services.saved_seqs(db, attempt), seq_name=seq_name,
        form=form, submit_form=ActionForm(), is_overdue=services.is_overdue(attempt, now),
        time_left=_time_left(attempt.deadline_at, now), **_helpers(attempt),
    )


def _typed_numbers(attempt: Attempt, raw: dict[str, object]) -> dict[str, object]:
    """What the learner typed in numeric fields, shown again so that a typo can be fixed."""
    kinds = {question["id"]: question["kind"] for question in attempt.snapshot["questions"]}
    return {question_id: value for question_id, value in raw.items() if kinds[question_id] == "numeric" and value}


def _target(form: AnswersForm, page_count: int) -> int:
    """The page to show after saving: the next, the previous, or one picked in the navigator."""
    go, page = form.go.data or "next", form.page.data
    if go.isdigit():
        return min(max(int(go), 1), page_count + 1)
    return max(page - 1, 1) if go == "previous" else min(page + 1, page_count + 1)


def _time_left(deadline: datetime | None, now: datetime) -> str | None:
    """Minutes and seconds until the deadline, as a clock shows them ("12:05")."""
    if deadline is None:
        return None
    seconds = max(0, math.ceil((deadline - now).total_seconds()))
    return f"{seconds // 60}:{seconds % 60:02d}"


def _error_message(error: services.QuizError, now: datetime) -> str:
    if error.code == "wait":
        minutes = max(1, math.ceil((error.until - now).total_seconds() / 60))
        return ngettext("You can try this quiz again in %(count)s minute.",
                        "You can try this quiz again in %(count)s minutes.", minutes, count=minutes)
    return str(ERRORS[error.code])


def _helpers(attempt: Attempt) -> dict[str, Any]:
    return {
        "field_name": field_name, "markdown": render_markdown, "percent": services.floor_percent,
        "REVIEW_STATES": REVIEW_STATES,
        "image_url": lambda image: url_for("learn.media_file", name=image["file"]),
        "image_srcset": _srcset, "regions_hit": services.regions_hit,
        "result_of": lambda question_id: services.question_result(attempt, question_id),
        "locale": str(get_locale()),
        "tr": lambda texts: learn.localised(texts, str(get_locale())).text,
        "number": lambda value: format_decimal(Decimal(str(value))),
        "numbers": {question["id"]: number for number, question in enumerate(attempt.snapshot["questions"], 1)},
    }


def _srcset(image: dict[str, Any]) -> str:
    stem, _dot, extension = image["file"].rpartition(".")
    copies = [(url_for("learn.media_file", name=f"{stem}-{width}.{extension}"), width) for width in image["variants"]]
    copies.append((url_for("learn.media_file", name=image["file"]), image["width"]))
    return ", ".join(f"{url} {width}w" for url, width in copies)
