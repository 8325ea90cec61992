from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from training_app.auth.passwords import MAX_PASSWORD_LENGTH
from training_app.i18n import LANGUAGE_NAMES

LOCALE_CHOICES = dict(LANGUAGE_NAMES)


def _new_password(label):
    # The length and every other rule are the service's (passwords.password_problem), which needs the
    # person's name and organisation and answers with one message saying which rule failed.
    return PasswordField(label, validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
                         render_kw={"autocomplete": "new-password"})


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
                             render_kw={"autocomplete": "current-password"})


class RegisterForm(FlaskForm):
    invitation_code = StringField(_l("Invitation code"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)],
                       render_kw={"autocomplete": "name"})
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(check_deliverability=False),
                                                 Length(max=254)], render_kw={"autocomplete": "email"})
    locale = SelectField(_l("Preferred language"), choices=LOCALE_CHOICES)
    password = _new_password(_l("Password"))
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))],
                            render_kw={"autocomplete": "new-password"})


class AccountForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)],
                       render_kw={"autocomplete": "name"})
    locale = SelectField(_l("Preferred language"), choices=LOCALE_CHOICES)


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
                            render_kw={"autocomplete": "current-password"})
    password = _new_password(_l("New password"))
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))],
                            render_kw={"autocomplete": "new-password"})


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "email"})


class ResetPasswordForm(FlaskForm):
    password = _new_password(_l("New password"))
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))],
                            render_kw={"autocomplete": "new-password"})
