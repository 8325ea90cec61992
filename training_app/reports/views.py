"""Report pages: completions with drill-down and exports, transcripts, item analysis, API tokens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from training_app.admin import services as admin_services
from training_app.admin.forms import COUNTRIES, organisation_label
from training_app.auth.models import User
from training_app.certificates import services as certificates
from training_app.db import get_session, utcnow
from training_app.exports import csv_download
from training_app.forms import ActionForm
from training_app.i18n import format_percent
from training_app.quiz import services as quizzes
from training_app.reports import services, tables
from training_app.reports.charts import Bar, bar_chart
from training_app.reports.forms import (
    CERTIFICATE_STATES,
    GROUPS,
    PROGRESS,
    CompletionExportForm,
    CompletionFilterForm,
    ItemExportForm,
    RegradeForm,
    TokenForm,
)
from training_app.reports.xlsx import xlsx_download
from training_app.security import Role, deny, role_required

bp = Blueprint("reports", __name__, url_prefix="/reports")
admin_only = role_required(Role.ADMIN)
analysts = role_required(Role.TRAINER, Role.ADMIN)

ERRORS = {
    "expiry_past": _l("Choose an expiry date after today, or none."),
    "not_found": _l("This token does not exist."),
}
LANGUAGE_LABELS = {"en": _l("English"), "fr": _l("French"), "es": _l("Spanish")}


def _user() -> User:
    return current_user._get_current_object()


def _locale() -> str:
    return str(get_locale())


def _today() -> date:
    return utcnow().date()


@bp.get("")
@analysts
def index():
    endpoint = "reports.completions" if current_user.role == Role.ADMIN else "reports.items"
    return redirect(url_for(endpoint))


# --- Completion report -------------------------------------------------------------------------------

def _filter_form(form_class: type[CompletionFilterForm] = CompletionFilterForm, **kwargs) -> tuple[Any, dict]:
    db = get_session()
    titles = services.course_titles(db, _locale())
    form = form_class.build(admin_services.organisations(db, _user()), services.courses(db), titles, **kwargs)
    return form, titles


def _group_labels(summary: services.Summary, titles: dict[int, str]) -> dict[str | None, str]:
    """What each group of the summary is called on the page and in exports."""
    keys = [group.key for group in summary.groups]
    if summary.group_by == "country":
        names = {key: str(COUNTRIES.get(key, key)) for key in keys if key is not None}
    elif summary.group_by == "agency":
        names = {str(k): v for k, v in services.organisation_names(get_session(), keys).items()}
    else:
        names = {str(k): v for k, v in titles.items()}
    return {key: names.get(key, key) if key is not None else _("No organisation") for key in keys}


def _chart(summary: services.Summary, labels: dict[str | None, str]):
    title = {"country": _("Completion rate by country"), "agency": _("Completion rate by agency"),
             "course": _("Completion rate by course")}[summary.group_by]
    bars = [Bar(labels[group.key], group.completion_rate, format_percent(group.completion_rate))
            for group in summary.groups]
    return bar_chart("completion-chart", title, _("Share of enrolled learners who completed the course, per group. "
                                                  "The table below gives the same numbers."), bars)


@bp.get("/completions")
@admin_only
def completions():
    form, titles = _filter_form(formdata=request.args)
    form.validate()
    summary = services.summary(get_session(), _user(), form.report_filters(), form.group_value(), _today())
    labels = _group_labels(summary, titles)
    return render_template("reports/completions.html", form=form, summary=summary, labels=labels,
                           chart=_chart(summary, labels), GROUPS=GROUPS,
                           export_form=CompletionExportForm.build([], [], {}, formdata=None))


@bp.get("/completions/learners")
@admin_only
def completion_learners():
    form, titles = _filter_form(formdata=request.args)
    form.validate()
    if not form.key.data:
        return redirect(url_for("reports.completions", **request.args))
    filters = form.report_filters(with_group=True)
    page = services.learners_page(get_session(), _user(), filters, request.args.get("page", 1, type=int) or 1,
                                  _today())
    return render_template("reports/learners.html", form=form, page=page, titles=titles,
                           group_label=_drill_label(form, titles), PROGRESS=PROGRESS,
                           CERTIFICATE_STATES=CERTIFICATE_STATES, page_url=_page_url(),
                           back_url=url_for("reports.completions", **{
                               k: v for k, v in request.args.items() if k not in ("key", "page")}),
                           export_form=CompletionExportForm.build([], [], {}, formdata=None))


def _drill_label(form: CompletionFilterForm, titles: dict[int, str]) -> str:
    key = form.key.data
    if key == services.NO_GROUP:
        return _("No organisation")
    if form.group_value() == "country":
        return str(COUNTRIES.get(key, key))
    if form.group_value() == "agency":
        return services.organisation_names(get_session(), [key]).get(int(key), key) if key.isdigit() else key
    return titles.get(int(key), key) if key.isdigit() else key


def _page_url() -> Callable[[int], str]:
    def page_url(number: int) -> str:
        args = {k: v for k, v in request.args.items() if k != "page"}
        return url_for(request.endpoint, **args, page=number)
    return page_url


@bp.post("/completions/export")
@admin_only
def export_completions():
    form, titles = _filter_form(CompletionExportForm)
    if not form.validate_on_submit() and form.csrf_token.errors:
        abort(400)
    table = form.table.data if form.table.data in ("summary", "learners") and not form.table.errors else "summary"
    file_format = "xlsx" if form.format.data == "xlsx" else "csv"
    admin, today, now = _user(), _today(), utcnow()
    filters = form.report_filters(with_group=table == "learners")
    db = get_session()
    services.export_recorded(db, admin, "completions", table, file_format,
                             {**filters.described(), "group_by": form.group_value()}, now)
    db.commit()
    if table == "summary":
        summary = services.summary(db, admin, filters, form.group_value(), today)
        header, rows = _summary_table(summary, _group_labels(summary, titles), filters.expiring_days)
        name = _("completion-summary-%(date)s", date=today.isoformat())
        return _download(name, _("Summary"), header, lambda: rows, file_format)

    name = _("completions-%(date)s", date=today.isoformat())
    return _download(name, _("Learners"), tables.learner_header(),
                     lambda: tables.learner_table(get_session(), admin, filters, titles, today), file_format)


def _download(name: str, sheet: str, header: list[str], rows: Callable, file_format: str):
    if file_format == "xlsx":
        return xlsx_download(f"{name}.xlsx", sheet, header, rows)
    return csv_download(f"{name}.csv", header, rows)


def _summary_table(summary: services.Summary, labels: dict, expiring_days: int) -> tuple[list[str], list[list]]:
    header = [str(GROUPS[summary.group_by]), _("Learners"), _("Not started"), _("In progress"), _("Completed"),
              _("Completion rate (%)"), _("Average score (%)"), _("Median days to complete"),
              _("Valid certificates"),
              ngettext("Expiring within %(num)d day", "Expiring within %(num)d days", expiring_days),
              _("Expired certificates"), _("Revoked certificates")]

    def cells(label: str, group: services.GroupRow) -> list:
        return [label, group.learners, group.not_started, group.in_progress, group.completed,
                tables.percent(group.completion_rate), tables.percent(group.average_score), group.median_days,
                group.valid, group.expiring, group.expired, group.revoked]

    rows = [cells(labels[group.key], group) for group in summary.groups]
    rows.append(cells(_("All"), summary.total))
    return header, rows


# --- Learner transcript ------------------------------------------------------------------------------

@bp.get("/transcript")
@login_required
def own_transcript():
    return _transcript_page(_user())


@bp.get("/learners/<int:user_id>")
@login_required
def transcript(user_id: int):
    learner = services.transcript_subject(get_session(), _user(), user_id)
    if learner is None:
        deny("learner_out_of_scope", target_user_id=user_id)
    return _transcript_page(learner)


def _transcript_page(learner: User):
    db = get_session()
    today = _today()
    record = services.transcript(db, _user(), learner, today)
    return render_template("reports/transcript.html", record=record, titles=services.course_titles(db, _locale()),
                           PROGRESS=PROGRESS, CERTIFICATE_STATES=CERTIFICATE_STATES, today=today,
                           state_of=certificates.state_of, title_in=certificates.title_in,
                           display_code=certificates.display_code,
                           organisation_label=organisation_label)


# --- Item analysis -----------------------------------------------------------------------------------

@bp.get("/items")
@analysts
def items():
    quizzes = services.analysable_quizzes(get_session(), _user(), _locale())
    return render_template("reports/items_index.html", quizzes=quizzes)


def _quiz_or_404(quiz_id: int):
    quiz = services.analysable_quiz(get_session(), _user(), quiz_id)
    if quiz is None:
        deny("quiz_not_analysable", quiz_id=quiz_id)
    return quiz


@bp.get("/items/<int:quiz_id>")
@analysts
def item_analysis(quiz_id: int):
    quiz = _quiz_or_404(quiz_id)
    analysis = services.item_analysis(get_session(), _user(), quiz)
    return render_template("reports/items_show.html", analysis=analysis, quiz_title=_quiz_title(quiz),
                           form=ItemExportForm(), helpers=_item_helpers(), min_split=services.MIN_SPLIT_ATTEMPTS)


def _quiz_title(quiz) -> str:
    choices = services.analysable_quizzes(get_session(), _user(), _locale())
    found = next((c for c in choices if c.quiz_id == quiz.id), None)
    return f"{found.course_title} — {found.title}" if found else quiz.slug


def _item_helpers() -> dict[str, Callable]:
    locale = _locale()

    def words(item: services.ItemRow) -> dict:
        return item.words.get(locale) or item.words.get("en") or {}

    def prompt(item: services.ItemRow) -> str:
        return words(item).get("prompt") or item.slug

    def answer(item: services.ItemRow, value) -> str:
        if value is None:
            return ""
        if item.kind == "true_false":
            return _("True") if value == "true" else _("False")
        choice = (words(item).get("choices") or {}).get(value)
        if isinstance(choice, dict):
            return choice.get("text") or choice.get("alt") or value
        return str(value)

    return {"prompt": prompt, "answer": answer, "language": lambda code: str(LANGUAGE_LABELS.get(code, code)),
            "country": lambda code: str(COUNTRIES.get(code, _("No organisation")))}


@bp.post("/items/<int:quiz_id>/export")
@analysts
def export_items(quiz_id: int):
    quiz = _quiz_or_404(quiz_id)
    form = ItemExportForm()
    if not form.validate_on_submit() and form.csrf_token.errors:
        abort(400)
    file_format = "xlsx" if form.format.data == "xlsx" else "csv"
    db = get_session()
    user = _user()
    analysis = services.item_analysis(db, user, quiz)
    services.export_recorded(db, user, "items", "items", file_format, {"quiz_id": quiz.id}, utcnow())
    db.commit()
    helpers = _item_helpers()
    header = [_("Question"), _("Kind"), _("Split"), _("Value"), _("First attempts"), _("Facility (%)"),
              _("Discrimination"), _("Most-chosen wrong answer"), _("Chosen by (wrong answers)"),
              _("Much harder in this language")]
    rows = []
    for item in analysis.items:
        splits = [("all", _("All"), "", item.overall)]
        splits += [("language", _("Language"), lang, s) for lang, s in item.by_language.items()]
        splits += [("country", _("Country"), country, s) for country, s in item.by_country.items()]
        for dimension, split, code, stats in splits:
            value = {"all": _("All"), "language": helpers["language"](code),
                     "country": helpers["country"](code)}[dimension]
            harder = dimension == "language" and code == item.harder_in
            rows.append([helpers["prompt"](item), item.kind, split, value, stats.attempts,
                         tables.percent(stats.facility), stats.discrimination,
                         helpers["answer"](item, stats.wrong_answer), stats.wrong_count, _("Yes") if harder else ""])
    name = _("item-analysis-%(quiz)s-%(date)s", quiz=quiz.slug, date=_today().isoformat())
    return _download(name, _("Item analysis"), header, lambda: rows, file_format)


# --- Regrade after a change of answer key (RELIABILITY.md Q-7) ---------------------------------------

@bp.get("/items/<int:quiz_id>/regrade")
@analysts
def regrade_preview(quiz_id: int):
    """What a regrade by the published answer keys would change; nothing is written."""
    quiz = _quiz_or_404(quiz_id)
    result = quizzes.regrade(get_session(), quiz, _user(), utcnow(), apply=False)
    return _regrade_page(quiz, result, RegradeForm(fingerprint=result.fingerprint))


@bp.post("/items/<int:quiz_id>/regrade")
@analysts
def regrade_apply(quiz_id: int):
    """Apply the regrade the preview showed; if it would now change something else, show that instead."""
    quiz = _quiz_or_404(quiz_id)
    form = RegradeForm()
    if not form.validate_on_submit():
        abort(400)
    db = get_session()
    try:
        result = quizzes.regrade(db, quiz, _user(), utcnow(), apply=True, expected=form.fingerprint.data)
    except quizzes.RegradeChanged:
        db.rollback()
        flash(_("The grades to change are no longer those of the preview: a version was published or someone "
                "regraded meanwhile. Check this preview, then apply it again."), "error")
        result = quizzes.regrade(db, quiz, _user(), utcnow(), apply=False)
        return _regrade_page(quiz, result, RegradeForm(formdata=None, fingerprint=result.fingerprint)), 409
    db.commit()
    flash(ngettext("%(num)d attempt regraded.", "%(num)d attempts regraded.", len(result.changes)), "success")
    if result.certificate_ids:
        flash(ngettext("%(num)d certificate is flagged for an administrator to review.",
                       "%(num)d certificates are flagged for an administrator to review.",
                       len(result.certificate_ids)), "info")
    return redirect(url_for("reports.item_analysis", quiz_id=quiz.id))


def _regrade_page(quiz, result: quizzes.Regrade, form: RegradeForm):
    return render_template("reports/regrade.html", quiz=quiz, quiz_title=_quiz_title(quiz), result=result,
                           form=form, percent=lambda score: format_percent(quizzes.floor_percent(score)))


# --- API tokens --------------------------------------------------------------------------------------

def _tokens_page(form: TokenForm, new_token: str | None = None, status: int = 200):
    return render_template("reports/tokens.html", form=form, tokens=services.tokens_of(get_session(), _user()),
                           new_token=new_token, now=utcnow(), revoke_form=ActionForm()), status


@bp.get("/tokens")
@admin_only
def tokens():
    return _tokens_page(TokenForm())


@bp.post("/tokens")
@admin_only
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return _tokens_page(form, status=422)
    db = get_session()
    try:
        _row, token = services.create_token(db, _user(), form.name.data, form.expires_on.data, utcnow())
    except services.ReportError as error:
        form.expires_on.errors = [*form.expires_on.errors, str(ERRORS[error.code])]
        return _tokens_page(form, status=422)
    db.commit()
    # The one time the token is shown: this response is never cached (security.py) and never stored.
    return _tokens_page(TokenForm(formdata=None), new_token=token, status=201)


@bp.post("/tokens/<int:token_id>/revoke")
@admin_only
def revoke_token(token_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    db = get_session()
    try:
        services.revoke_token(db, _user(), token_id, utcnow())
    except services.ReportError:
        deny("not_own_token", token_id=token_id)
    db.commit()
    flash(_("The token is revoked. Programs using it are refused from now on."), "success")
    return redirect(url_for("reports.tokens"))

