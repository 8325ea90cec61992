"""Sign-in, sign-out, registration by invitation, account settings and password reset."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from training_app.auth import services
from training_app.auth.forms import (
    AccountForm,
    ForgotPasswordForm,
    LoginForm,
    PasswordChangeForm,
    RegisterForm,
    ResetPasswordForm,
)
from training_app.bidi import isolate
from training_app.db import get_session, utcnow
from training_app.forms import ActionForm
from training_app.mail import send_mail
from training_app.security import email_fingerprint, safe_next, security_event, start_session_clock

bp = Blueprint("auth", __name__)

#: the translated message for each AccountError code
ERRORS = {
    "bad_credentials": _l("The e-mail or password is not right."),
    "password_too_short": _l("Choose a password of at least 12 characters."),
    "password_common": _l("This password is too common: it is a frequently used or leaked password, word or name, "
                          "perhaps with digits or symbols added at the end. Choose another one."),
    "password_site_word": _l("This password contains a word anyone could guess here (such as customs, douane, "
                             "aduana, CITES, wildlife or password). Choose another one."),
    "password_personal": _l("This password contains your name, your e-mail address or your organisation's name. "
                            "Choose another one."),
    "email_taken": _l("An account with this e-mail already exists."),
    "unknown_invitation": _l("This invitation code is not known. Check it with your organisation."),
    "bad_current_password": _l("Your current password is not right."),
    "bad_reset_token": _l("This link has expired or has already been used. Ask for a new one."),
}


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("learn.dashboard"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 422 if form.is_submitted() else 200
    db = get_session()
    now = utcnow()
    keys = services.ThrottleKeys.for_login(form.email.data, request.remote_addr or "unknown")
    allowed = services.count_attempt(db, keys, now)
    db.commit()  # the attempt counts even if this request dies before the password check
    if not allowed:
        security_event("login_throttled", email=email_fingerprint(form.email.data))
        return render_template(
            "auth/login.html", form=form,
            error=_("Too many failed sign-in attempts. Wait 15 minutes and try again."),
        ), 429
    try:
        user = services.authenticate(db, form.email.data, form.password.data, now)
    except services.AccountError as error:
        security_event("login_failed", email=email_fingerprint(form.email.data))
        return render_template("auth/login.html", form=form, error=ERRORS[error.code]), 401
    services.forgive_attempt(db, keys)
    db.commit()
    _fresh_session()
    login_user(user)
    security_event("login", user_id=user.id)
    return redirect(safe_next(request.args.get("next")) or url_for("learn.dashboard"))


@bp.post("/logout")
@login_required
def logout():
    if not ActionForm().validate_on_submit():
        abort(400)
    db = get_session()
    services.end_sessions(current_user._get_current_object())
    db.commit()
    security_event("logout")
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if not form.validate_on_submit():
        return render_template("auth/register.html", form=form), 422 if form.is_submitted() else 200
    db = get_session()
    try:
        organisation = services.organisation_by_invitation(db, form.invitation_code.data)
        user = services.create_user(
            db, email=form.email.data, password=form.password.data, name=form.name.data,
            locale=form.locale.data, organisation=organisation,
        )
    except services.AccountError as error:
        field = {"unknown_invitation": form.invitation_code, "email_taken": form.email}.get(
            error.code, form.password)
        field.errors = [*field.errors, ERRORS[error.code]]
        return render_template("auth/register.html", form=form), 422
    db.commit()
    _fresh_session()
    login_user(user)
    security_event("registered", user_id=user.id, organisation_id=user.organisation_id)
    flash(_("Welcome, %(name)s. Your account is ready.", name=isolate(user.name)), "success")
    return redirect(url_for("learn.dashboard"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = AccountForm()
    if not form.is_submitted():
        form.process(obj=current_user)  # only a GET shows the stored values
    if not form.validate_on_submit():
        return render_template("auth/account.html", form=form), 422 if form.is_submitted() else 200
    db = get_session()
    user = current_user._get_current_object()
    user.name = form.name.data.strip()
    user.locale = form.locale.data
    db.commit()
    session.pop("lang", None)  # the saved preference now chooses the language
    flash(_("Your settings are saved."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return render_template("auth/password_change.html", form=form), 422 if form.is_submitted() else 200
    db = get_session()
    user = current_user._get_current_object()
    try:
        services.change_password(db, user, form.current.data, form.password.data)
    except services.AccountError as error:
        field = form.current if error.code == "bad_current_password" else form.password
        field.errors = [*field.errors, ERRORS[error.code]]
        return render_template("auth/password_change.html", form=form), 422
    db.commit()
    login_user(user)  # this session carries the new epoch; every other session ends
    security_event("password_changed")
    flash(_("Your password is changed. Other sessions are signed out."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/password_forgot.html", form=form), 422 if form.is_submitted() else 200
    db = get_session()
    user = services.user_by_email(db, form.email.data)
    if user is not None and user.is_active:
        token = services.create_reset_token(db, user, utcnow())
        db.commit()
        link = url_for("auth.reset_password", token=token, _external=True)
        with force_locale(user.locale):
            send_mail(current_app.config, user.email, _("Reset your password"),
                      _("Open this link within one hour to choose a new password:\n\n%(link)s\n\n"
                        "If you did not ask for it, ignore this message.", link=link))
    # The same answer whether or not the account exists, so the form reveals no e-mail.
    flash(_("If an account uses this e-mail, a link to reset its password is on its way."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    db = get_session()
    form = ResetPasswordForm()
    try:
        services.valid_reset_token(db, token, utcnow())
    except services.AccountError as error:
        return render_template("auth/password_reset.html", form=None, error=ERRORS[error.code]), 400
    if not form.validate_on_submit():
        return render_template("auth/password_reset.html", form=form), 422 if form.is_submitted() else 200
    try:
        user = services.reset_password(db, token, form.password.data, utcnow())
    except services.AccountError as error:
        if error.code != "bad_reset_token":  # a refused password: the link still works, try another
            form.password.errors = [*form.password.errors, ERRORS[error.code]]
            return render_template("auth/password_reset.html", form=form), 422
        return render_template("auth/password_reset.html", form=None, error=ERRORS[error.code]), 400
    db.commit()
    security_event("password_reset", user_id=user.id)
    flash(_("Your password is changed. You can sign in now."), "success")
    return redirect(url_for("auth.login"))


def _fresh_session() -> None:
    """A new session at sign-in (no fixation); the language chosen before it is kept."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    start_session_clock()
