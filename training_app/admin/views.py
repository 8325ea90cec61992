"""Administration pages: accounts, organisations, bulk import and the audit log. Administrators only."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, format_datetime, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from training_app import mail
from training_app.admin import services
from training_app.admin.forms import (
    ACTIONS,
    COUNTRIES,
    KINDS,
    ROLES,
    AuditExportForm,
    AuditFilterForm,
    ImportForm,
    OrganisationEditForm,
    OrganisationForm,
    RoleForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
    UsersExportForm,
    options,
    organisation_label,
)
from training_app.auth import services as accounts
from training_app.auth.models import AGENCY_KINDS, POST_KINDS, Organisation, User
from training_app.bidi import isolate
from training_app.db import get_session, utcnow
from training_app.exports import csv_download
from training_app.forms import ActionForm
from training_app.mail_models import OutgoingMail
from training_app.security import Role, deny, role_required

log = logging.getLogger(__name__)
bp = Blueprint("admin", __name__, url_prefix="/admin")
admin_only = role_required(Role.ADMIN)

#: the translated message for each AdminError code
ERRORS = {
    "self": _l("You cannot do this to your own account."),
    "outranks": _l("This administrator manages more than you do. Ask an administrator with a wider scope."),
    "out_of_scope": _l("This is outside the part of the organisation you manage."),
    "organisation_required": _l("Choose an organisation: the accounts you manage belong to one."),
    "admin_role": _l("To make someone an administrator, create the account first, then change its role."),
    "email_taken": _l("An account with this e-mail already exists."),
    "scope_too_wide": _l("You can only grant a scope that lies inside your own."),
    "inactive": _l("This account is deactivated. Reactivate it first."),
    "bad_parent": _l("Choose an agency in the part of the organisation you manage."),
    "bad_kind": _l("This kind does not fit: an agency is customs, environment, wildlife or other; "
                   "a post is a port of entry or a regional office."),
    "file_too_large": _l("The file is larger than %(megabytes)d MB. Split it into smaller files."),
    "not_utf8": _l("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."),
    "empty_file": _l("The file has no rows to import."),
    "not_csv": _l("The file is not valid CSV."),
    "not_csv_line": _l("The file is not valid CSV (line %(line)d)."),
    "bad_header": _l("The first line must name the columns, among: %(columns)s. The columns email and name "
                     "are required."),
    "too_many_rows": _l("The file has more than %(rows)d rows. Split it into smaller files."),
}
#: why an import row is rejected
REASONS = {
    "extra_cells": _l("More cells than columns."),
    "duplicate": _l("This e-mail is already on line %(line)d."),
    "email_required": _l("The e-mail is missing."),
    "bad_email": _l("The e-mail is not valid."),
    "name_required": _l("The name is missing."),
    "name_too_long": _l("The name is longer than 200 characters."),
    "admin_role": _l("Administrator accounts are not imported: manage them one by one."),
    "unknown_role": _l("Unknown role: use learner or trainer."),
    "unknown_locale": _l("Unknown language: use en, fr or es."),
    "country_required": _l("The country is missing: use CA, MX or US."),
    "unknown_country": _l("Unknown country: use CA, MX or US."),
    "agency_required": _l("The agency is missing."),
    "unknown_agency": _l("No agency of this country has this acronym or name."),
    "unknown_post": _l("This agency has no post of this name."),
    "out_of_scope": _l("Outside the part of the organisation you manage."),
    "organisation_required": _l("Give a country and an agency: the accounts you manage belong to an organisation."),
}
OUTCOMES = {"create": _l("Create"), "update": _l("Update"), "unchanged": _l("No change"),
            "reject": _l("Rejected")}
FIELDS = {"name": _l("Full name"), "role": _l("Role"), "locale": _l("Preferred language"),
          "organisation": _l("Organisation")}
TARGETS = {"user": _l("Account"), "organisation": _l("Organisation"), "course": _l("Course"),
           "certificate": _l("Certificate"), "quiz": _l("Quiz")}
#: rows of a dry run shown in full; beyond it only rejected rows are listed
PLAN_ROWS_SHOWN = 1000
#: the kinds of queued mail an administrator causes; the account's page says if the last one was not delivered
INVITATION, PASSWORD_RESET = "invitation", "password_reset"


def _admin() -> User:
    return current_user._get_current_object()


def _labels() -> dict[str, Any]:
    return {"ROLES": ROLES, "COUNTRIES": COUNTRIES, "KINDS": KINDS, "ACTIONS": ACTIONS, "TARGETS": TARGETS,
            "organisation_label": organisation_label, "format_datetime": format_datetime,
            "details_text": services.details_text}


def _page_url(**fixed: Any) -> Callable[[int], str]:
    """A link to page `n` of the current list, keeping its filters."""
    def page_url(number: int) -> str:
        args = {k: v for k, v in request.args.items() if k != "page"}
        return url_for(request.endpoint, **fixed, **args, page=number)
    return page_url


def _page_number() -> int:
    return request.args.get("page", 1, type=int) or 1


def _error(error: services.AdminError) -> str:
    return str(ERRORS[error.code]) % error.params if error.params else str(ERRORS[error.code])


def _user_or_404(user_id: int) -> User:
    user = services.scoped_user(get_session(), _admin(), user_id)
    if user is None:
        deny("user_out_of_scope", target_user_id=user_id)
    return user


def _organisation_or_404(organisation_id: int) -> Organisation:
    organisation = services.scoped_organisation(get_session(), _admin(), organisation_id)
    if organisation is None:
        deny("organisation_out_of_scope", organisation_id=organisation_id)
    return organisation


def _queue(db, user: User, kind: str, lifetime: timedelta, subject: Callable[[], str], body: Callable[[], str],
           now: datetime) -> OutgoingMail:
    """Queue a mail to a user in their language, in the request's transaction: it leaves only if that commits."""
    with force_locale(user.locale):
        return mail.queue_mail(db, current_app.config, to=user.email, subject=subject(), body=body(), kind=kind,
                               user_id=user.id, now=now, expires_at=now + lifetime)


def _send_soon(queued: Sequence[OutgoingMail]) -> None:
    """After the commit: send these from a background thread (`training-app send-mail` retries failures)."""
    mail.send_soon(current_app._get_current_object(), [m.id for m in queued])


def _days() -> int:
    return accounts.INVITATION_LIFETIME.days


def _hours() -> int:
    return int(accounts.RESET_TOKEN_LIFETIME.total_seconds() // 3600)


def _invite(db, user: User, token: str, now: datetime) -> OutgoingMail:
    link = url_for("auth.reset_password", token=token, _external=True)
    return _queue(db, user, INVITATION, accounts.INVITATION_LIFETIME,
                  lambda: _("Your account on Green Customs Training"), lambda: ngettext(
        "An account was created for you on Green Customs Training. Open this link within %(num)d day to "
        "choose your password:\n\n%(link)s\n\nThen sign in with this e-mail address. If the link has expired, "
        "use “Forgot your password?” on the sign-in page.",
        "An account was created for you on Green Customs Training. Open this link within %(num)d days to "
        "choose your password:\n\n%(link)s\n\nThen sign in with this e-mail address. If the link has expired, "
        "use “Forgot your password?” on the sign-in page.",
        _days(), link=link), now)


def _reset(db, user: User, token: str, now: datetime) -> OutgoingMail:
    link = url_for("auth.reset_password", token=token, _external=True)
    return _queue(db, user, PASSWORD_RESET, accounts.RESET_TOKEN_LIFETIME,
                  lambda: _("Reset your password"), lambda: ngettext(
        "An administrator asked for your password to be reset. Open this link within %(num)d hour to choose "
        "a new password:\n\n%(link)s",
        "An administrator asked for your password to be reset. Open this link within %(num)d hours to choose "
        "a new password:\n\n%(link)s",
        _hours(), link=link), now)


# --- Users -------------------------------------------------------------------------------------------

@bp.get("")
@admin_only
def index():
    return redirect(url_for("admin.list_users"))


def _user_filters(form: UserFilterForm) -> services.UserFilters:
    """The filters of a validated form; a field that did not validate filters nothing."""
    def value(field):
        return None if field.errors or field.data in ("", None) else field.data
    active = value(form.active)
    return services.UserFilters(q=value(form.q), role=value(form.role), country=value(form.country),
                                agency_id=value(form.agency), active=None if active is None else active == "yes")


def _agencies(db, admin: User) -> list[Organisation]:
    return [o for o in services.organisations(db, admin) if o.parent_id is None]


@bp.get("/users")
@admin_only
def list_users():
    db = get_session()
    admin = _admin()
    form = UserFilterForm.for_agencies(_agencies(db, admin), formdata=request.args)
    form.validate()
    page = services.users_page(db, admin, _user_filters(form), _page_number())
    return render_template("admin/users_list.html", form=form, page=page, page_url=_page_url(), **_labels())


@bp.post("/users/export")
@admin_only
def export_users():
    db = get_session()
    admin = _admin()
    form = UsersExportForm.for_agencies(_agencies(db, admin))
    if not form.validate_on_submit() and form.csrf_token.errors:
        abort(400)
    filters = _user_filters(form)
    now = utcnow()
    services.record(db, admin, "users.export", now=now,
                    details={k: v for k, v in vars(filters).items() if v not in (None, "")})
    db.commit()
    header = [_("Full name"), _("E-mail"), _("Role"), _("Country"), _("Agency"), _("Post"),
              _("Preferred language"), _("Active"), _("Created (UTC)"), _("Last sign-in (UTC)")]

    def rows():
        for name, email, role, country, agency, post, locale, active, created, last in services.user_rows(
                get_session(), admin, filters):
            yield (name, email, ROLES.get(role, role), country, agency, post, locale,
                   _("Yes") if active else _("No"), created, last)

    return csv_download(_("accounts-%(date)s.csv", date=now.date().isoformat()), header, rows)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def create_user():
    db = get_session()
    admin = _admin()
    form = UserCreateForm.for_organisations(services.organisations(db, admin),
                                            allow_none=not services.is_scoped(admin))
    if not form.validate_on_submit():
        return render_template("admin/user_new.html", form=form), 422 if form.is_submitted() else 200
    now = utcnow()
    try:
        user, token = services.invite_user(
            db, admin, email=form.email.data, name=form.name.data, role=Role(form.role.data),
            locale=form.locale.data, organisation_id=form.organisation.data, now=now)
    except services.AdminError as error:
        field = form.email if error.code == "email_taken" else form.organisation
        field.errors = [*field.errors, _error(error)]
        return render_template("admin/user_new.html", form=form), 422
    queued = _invite(db, user, token, now)
    db.commit()
    _send_soon([queued])
    flash(_("The account of %(name)s is created and an invitation is on its way.", name=isolate(user.name)), "success")
    return redirect(url_for("admin.show_user", user_id=user.id))


def _render_user(user: User, form: UserEditForm, role_form: RoleForm, status: int = 200):
    db = get_session()
    scope = db.get(Organisation, user.scope_organisation_id) if user.scope_organisation_id else None
    scope_label = organisation_label(scope) if scope else COUNTRIES.get(user.scope_country)
    return render_template("admin/user_show.html", user=user, form=form, role_form=role_form, scope_label=scope_label,
                           action_form=ActionForm(), history=services.user_history(db, user.id),
                           last_mail=mail.latest_mail(db, user.id, (INVITATION, PASSWORD_RESET)),
                           **_labels()), status


def _edit_form(db, admin: User, user: User | None = None) -> UserEditForm:
    """The edit form: posted values, or the user's stored ones when `user` is given."""
    kwargs = {} if user is None else {"formdata": None, "data": {
        "name": user.name, "organisation": user.organisation_id, "locale": user.locale}}
    return UserEditForm.for_organisations(services.organisations(db, admin), allow_none=not services.is_scoped(admin),
                                          **kwargs)


def _role_form(db, admin: User, **kwargs) -> RoleForm:
    return RoleForm.for_agencies(_agencies(db, admin), **kwargs)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_only
def show_user(user_id: int):
    user = _user_or_404(user_id)
    db = get_session()
    admin = _admin()
    form = _edit_form(db, admin, None if request.method == "POST" else user)
    role_form = _role_form(db, admin, formdata=None, data={
        "role": user.role, "scope_country": user.scope_country or admin.scope_country or "",
        "scope_organisation": user.scope_organisation_id or admin.scope_organisation_id})
    if not form.validate_on_submit():
        return _render_user(user, form, role_form, 422 if form.is_submitted() else 200)
    try:
        services.update_user(db, admin, user, name=form.name.data, organisation_id=form.organisation.data,
                             locale=form.locale.data, now=utcnow())
    except services.AdminError as error:
        form.organisation.errors = [*form.organisation.errors, _error(error)]
        return _render_user(user, form, role_form, 422)
    db.commit()
    flash(_("The account of %(name)s is saved.", name=isolate(user.name)), "success")
    return redirect(url_for("admin.show_user", user_id=user.id))


@bp.post("/users/<int:user_id>/role")
@admin_only
def change_role(user_id: int):
    user = _user_or_404(user_id)
    db = get_session()
    admin = _admin()
    role_form = _role_form(db, admin)
    if not role_form.validate_on_submit():
        return _render_user(user, _edit_form(db, admin, user), role_form, 422)
    try:
        changed = services.change_role(db, admin, user, role=Role(role_form.role.data),
                                       scope_country=role_form.scope_country.data or None,
                                       scope_organisation_id=role_form.scope_organisation.data, now=utcnow())
    except services.AdminError as error:
        role_form.role.errors = [*role_form.role.errors, _error(error)]
        return _render_user(user, _edit_form(db, admin, user), role_form, 422)
    db.commit()
    if changed:
        flash(_("%(name)s is now: %(role)s.", name=isolate(user.name), role=ROLES[user.role]), "success")
    return redirect(url_for("admin.show_user", user_id=user.id))


def _user_action(user_id: int, act: Callable[..., Any]) -> tuple[User, Any]:
    """Load in scope, check the token, run one service; a refused act comes back as a flashed message."""
    user = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    db = get_session()
    try:
        result = act(db, _admin(), user, now=utcnow())
    except services.AdminError as error:
        flash(_error(error), "error")
        return user, None
    db.commit()
    return user, result if result is not None else True


@bp.post("/users/<int:user_id>/deactivate")
@admin_only
def deactivate_user(user_id: int):
    user, done = _user_action(user_id, services.deactivate)
    if done:
        flash(_("%(name)s can no longer sign in and was signed out. Their training records are kept.",
                name=isolate(user.name)), "success")
    return redirect(url_for("admin.show_user", user_id=user.id))


@bp.post("/users/<int:user_id>/reactivate")
@admin_only
def reactivate_user(user_id: int):
    user, done = _user_action(user_id, services.reactivate)
    if done:
        flash(_("%(name)s can sign in again.", name=isolate(user.name)), "success")
    return redirect(url_for("admin.show_user", user_id=user.id))


@bp.post("/users/<int:user_id>/password-reset")
@admin_only
def reset_password(user_id: int):
    user, queued = _user_action(user_id, lambda db, admin, user, now: _reset(
        db, user, services.password_link(db, admin, user, invitation=False, now=now), now))
    if queued:
        _send_soon([queued])
        flash(_("A link to reset the password is on its way to %(name)s.", name=isolate(user.name)), "success")
    return redirect(url_for("admin.show_user", user_id=user.id))


@bp.post("/users/<int:user_id>/invitation")
@admin_only
def resend_invitation(user_id: int):
    user, queued = _user_action(user_id, lambda db, admin, user, now: _invite(
        db, user, services.password_link(db, admin, user, invitation=True, now=now), now))
    if queued:
        _send_soon([queued])
        flash(_("A new invitation is on its way to %(name)s.", name=isolate(user.name)), "success")
    return redirect(url_for("admin.show_user", user_id=user.id))


# --- Organisations -----------------------------------------------------------------------------------

@bp.get("/organisations")
@admin_only
def list_organisations():
    country = request.args.get("country") if request.args.get("country") in COUNTRIES else None
    organisations = services.organisations(get_session(), _admin(), country)
    return render_template("admin/organisations_list.html", organisations=organisations, country=country,
                           counts=services.member_counts(get_session(), [o.id for o in organisations]),
                           **_labels())


def _organisation_form(db, admin: User) -> OrganisationForm:
    form = OrganisationForm.for_agencies(_agencies(db, admin), allow_agency=admin.scope_organisation_id is None)
    if admin.scope_country is not None:
        form.country.choices = options([(admin.scope_country, COUNTRIES[admin.scope_country])])
    return form


@bp.route("/organisations/new", methods=["GET", "POST"])
@admin_only
def create_organisation():
    db = get_session()
    admin = _admin()
    form = _organisation_form(db, admin)
    if not form.validate_on_submit():
        return render_template("admin/organisation_new.html", form=form), 422 if form.is_submitted() else 200
    try:
        organisation = services.create_organisation(
            db, admin, parent_id=form.parent.data, country=form.country.data, kind=form.kind.data,
            code=form.code.data, name=form.name.data, now=utcnow())
    except services.AdminError as error:
        field = form.kind if error.code == "bad_kind" else form.parent
        field.errors = [*field.errors, _error(error)]
        return render_template("admin/organisation_new.html", form=form), 422
    db.commit()
    flash(_("%(name)s is created.", name=isolate(organisation.name)), "success")
    return redirect(url_for("admin.show_organisation", organisation_id=organisation.id))


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@admin_only
def show_organisation(organisation_id: int):
    organisation = _organisation_or_404(organisation_id)
    db = get_session()
    form = OrganisationEditForm()
    form.kind.choices = options((k, KINDS[k]) for k in (POST_KINDS if organisation.parent_id else AGENCY_KINDS))
    if not form.is_submitted():
        form.process(obj=organisation)
    if not form.validate_on_submit():
        return render_template("admin/organisation_show.html", organisation=organisation, form=form,
                               action_form=ActionForm(), **_labels()), 422 if form.is_submitted() else 200
    try:
        services.update_organisation(db, _admin(), organisation, name=form.name.data, code=form.code.data,
                                     kind=form.kind.data, now=utcnow())
    except services.AdminError as error:
        form.kind.errors = [*form.kind.errors, _error(error)]
        return render_template("admin/organisation_show.html", organisation=organisation, form=form,
                               action_form=ActionForm(), **_labels()), 422
    db.commit()
    flash(_("%(name)s is saved.", name=isolate(organisation.name)), "success")
    return redirect(url_for("admin.show_organisation", organisation_id=organisation.id))


@bp.post("/organisations/<int:organisation_id>/invitation-code")
@admin_only
def regenerate_invitation_code(organisation_id: int):
    organisation = _organisation_or_404(organisation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    db = get_session()
    services.regenerate_invitation_code(db, _admin(), organisation, utcnow())
    db.commit()
    flash(_("The new invitation code is %(code)s. The previous code no longer works.",
            code=organisation.invitation_code), "success")
    return redirect(url_for("admin.show_organisation", organisation_id=organisation.id))


@bp.post("/organisations/<int:organisation_id>/invitation-code/remove")
@admin_only
def remove_invitation_code(organisation_id: int):
    organisation = _organisation_or_404(organisation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    db = get_session()
    services.remove_invitation_code(db, _admin(), organisation, utcnow())
    db.commit()
    flash(_("Nobody can register into %(name)s with a code any more.", name=isolate(organisation.name)), "success")
    return redirect(url_for("admin.show_organisation", organisation_id=organisation.id))


# --- Bulk import -------------------------------------------------------------------------------------

def _import_page(form: ImportForm, status: int = 200):
    return render_template("admin/import.html", form=form, columns=services.IMPORT_COLUMNS,
                           max_megabytes=services.MAX_IMPORT_BYTES // (1024 * 1024),
                           max_rows=services.MAX_IMPORT_ROWS), status


def _stash_folder():
    return current_app.config["SHARED_PATH"] / "imports"  # any process may serve the apply request


@bp.get("/import")
@admin_only
def import_users():
    return _import_page(ImportForm())


#: an example row of the template in each language; the post column stays empty, as it may not exist yet
TEMPLATE_EXAMPLES = {
    "en": ("jordan.smith@example.org", "Jordan Smith", "learner", "US", "CBP", "", "en"),
    "fr": ("emilie.tremblay@example.org", "Émilie Tremblay", "learner", "CA", "CBSA", "", "fr"),
    "es": ("ana.martinez@example.org", "Ana Martínez", "learner", "MX", "ANAM", "", "es"),
}


@bp.get("/import/template.csv")
@admin_only
def import_template():
    example = TEMPLATE_EXAMPLES.get(str(get_locale()), TEMPLATE_EXAMPLES["en"])
    return csv_download(_("accounts-import-template.csv"), services.IMPORT_COLUMNS, lambda: [example])


def _plan_page(plan: services.ImportPlan, token: str | None, status: int = 200, error: str | None = None):
    shown = plan.rows if len(plan.rows) <= PLAN_ROWS_SHOWN else (
        plan.rows[:PLAN_ROWS_SHOWN] + [r for r in plan.rows[PLAN_ROWS_SHOWN:] if r.outcome == "reject"])
    rows = [(row, [str(REASONS[code]) % params if params else str(REASONS[code]) for code, params in row.reasons])
            for row in shown]
    return render_template("admin/import_plan.html", plan=plan, rows=rows, token=token,
                           error=error, hidden=len(plan.rows) - len(shown), OUTCOMES=OUTCOMES, FIELDS=FIELDS,
                           action_form=ActionForm(), **_labels()), status


@bp.post("/import")
@admin_only
def check_import():
    form = ImportForm()
    if not form.validate_on_submit():
        return _import_page(form, 422)
    admin = _admin()
    # One byte over the limit is enough to know the file is too large.
    with form.file.data.stream as upload:
        data = upload.read(services.MAX_IMPORT_BYTES + 1)
    try:
        plan = services.plan_import(get_session(), admin, data)
    except services.AdminError as error:
        form.file.errors = [*form.file.errors, _error(error)]
        return _import_page(form, 422)
    token = None if plan.rejected else services.stash_import(_stash_folder(), admin, data, utcnow())
    return _plan_page(plan, token)


@bp.post("/import/<token>/apply")
@admin_only
def apply_import(token: str):
    admin = _admin()
    data = services.stashed_import(_stash_folder(), admin, token)
    if data is None:
        deny("not_own_import")
    if not ActionForm().validate_on_submit():
        abort(400)
    db = get_session()
    now = utcnow()
    try:
        plan, invitations = services.apply_import(db, admin, data, now)
    except services.AdminError as error:
        db.rollback()
        if error.code != "rows_rejected":
            return _plan_page(services.ImportPlan([]), None, 422, _error(error))
        plan = services.plan_import(db, admin, data)
        message = ngettext("%(num)d row is rejected, so nothing was imported.",
                           "%(num)d rows are rejected, so nothing was imported.", len(plan.rejected))
        return _plan_page(plan, None, 422, message)
    # In the import's transaction: a failed commit queues nothing, a committed import loses no invitation.
    queued = [_invite(db, user, invitation, now) for user, invitation in invitations]
    db.commit()
    services.drop_import(_stash_folder(), admin, token)
    _send_soon(queued)
    flash(ngettext("%(num)d account created.", "%(num)d accounts created.", plan.count("create")), "success")
    flash(ngettext("%(num)d account updated.", "%(num)d accounts updated.", plan.count("update")), "success")
    if queued:
        flash(ngettext("%(num)d invitation is on its way.", "%(num)d invitations are on their way.", len(queued)),
              "success")
    return redirect(url_for("admin.list_users"))


# --- Audit log ---------------------------------------------------------------------------------------

def _audit_filters(form: AuditFilterForm) -> services.AuditFilters:
    def value(field):
        return None if field.errors or field.data in ("", None) else field.data

    def start(day: date | None) -> datetime | None:
        return datetime.combine(day, time(), UTC) if day else None

    until = value(form.until)
    return services.AuditFilters(action=value(form.action), actor=value(form.actor), since=start(value(form.since)),
                                 until=start(until + timedelta(days=1)) if until else None)


@bp.get("/audit")
@admin_only
def audit_log():
    form = AuditFilterForm(formdata=request.args)
    form.validate()
    page = services.audit_page(get_session(), _admin(), _audit_filters(form), _page_number())
    return render_template("admin/audit_log.html", form=form, page=page, page_url=_page_url(), **_labels())


@bp.post("/audit/export")
@admin_only
def export_audit():
    form = AuditExportForm()
    if not form.validate_on_submit() and form.csrf_token.errors:
        abort(400)
    db = get_session()
    admin = _admin()
    filters = _audit_filters(form)
    now = utcnow()
    services.record(db, admin, "audit.export", now=now, details={
        k: v.isoformat() if isinstance(v, datetime) else v for k, v in vars(filters).items() if v})
    db.commit()
    header = [_("Date and time (UTC)"), _("Done by"), _("Done by (id)"), _("Action"), _("Target type"),
              _("Target (id)"), _("Target"), _("Details")]

    def rows():
        for event, actor in services.audit_rows(get_session(), admin, filters):
            yield (event.at, actor, event.actor_id, ACTIONS.get(event.action, event.action),
                   TARGETS.get(event.target_type, event.target_type), event.target_id, event.target_label,
                   services.details_text(event.details))

    return csv_download(_("audit-log-%(date)s.csv", date=now.date().isoformat()), header, rows)


