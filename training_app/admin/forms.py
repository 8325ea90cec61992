"""Administration forms, and the translated labels of roles, countries, kinds and audit actions."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, EmailField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from training_app.auth.forms import LOCALE_CHOICES
from training_app.auth.models import Organisation
from training_app.bidi import isolate

ROLES = {"learner": _l("Learner"), "trainer": _l("Trainer"), "admin": _l("Administrator")}
COUNTRIES = {"CA": _l("Canada"), "MX": _l("Mexico"), "US": _l("United States")}
KINDS = {
    "customs": _l("Customs"), "environment": _l("Environment"), "wildlife": _l("Wildlife"), "other": _l("Other"),
    "port_of_entry": _l("Port of entry"), "regional_office": _l("Regional office"),
}
#: every action the log may hold; other capabilities add theirs here
ACTIONS = {
    "user.create": _l("Account created"),
    "user.update": _l("Account edited"),
    "user.role_change": _l("Role changed"),
    "user.deactivate": _l("Account deactivated"),
    "user.reactivate": _l("Account reactivated"),
    "user.password_reset": _l("Password reset sent"),
    "user.invitation_resend": _l("Invitation sent again"),
    "users.import": _l("Accounts imported"),
    "users.export": _l("Accounts exported"),
    "organisation.create": _l("Organisation created"),
    "organisation.update": _l("Organisation edited"),
    "organisation.invitation_code": _l("Invitation code changed"),
    "audit.export": _l("Audit log exported"),
    "course.publish": _l("Course published"),
    "course.import_questions": _l("Questions imported"),
    "course.delete_item": _l("Course item deleted"),
    "course.discard_draft": _l("Course draft discarded"),
    "certificate.revoke": _l("Certificate revoked"),
    "quiz.regrade": _l("Quiz regraded"),
    "report.export": _l("Report exported"),
    "api_token.create": _l("API token created"),
    "api_token.revoke": _l("API token revoked"),
}
ACTIVE = {"": _l("Active or not"), "yes": _l("Active"), "no": _l("Deactivated")}


def options(pairs: Iterable[tuple[str, object]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs; labels may be lazy translations."""
    return [SelectChoice(value, label) for value, label in pairs]


def optional_int(value: object) -> int | None:
    return None if value in ("", None) else int(value)


def organisation_label(organisation: Organisation) -> str:
    """Country › agency › post, as every list and menu shows it; each name bidi-isolated (training_app.bidi)."""
    parts = [organisation.country]
    if organisation.parent is not None:
        parts.append(isolate(organisation.parent.code or organisation.parent.name))
    parts.append(isolate(organisation.name) if organisation.parent or not organisation.code
                 else f"{isolate(organisation.code)} — {isolate(organisation.name)}")
    return " › ".join(parts)


def _organisation_choices(organisations: Iterable[Organisation], empty: str | None) -> list[SelectChoice]:
    choices = [("", empty)] if empty is not None else []
    return options(choices + [(str(o.id), organisation_label(o)) for o in organisations])


class UserFilterForm(FlaskForm):
    """The users list's filters (a GET form: no token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or e-mail"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=options([("", _l("Any role")), *ROLES.items()]), validators=[Optional()])
    country = SelectField(_l("Country"), choices=options([("", _l("Any country")), *COUNTRIES.items()]),
                          validators=[Optional()])
    agency = SelectField(_l("Agency"), coerce=optional_int, validators=[Optional()])
    active = SelectField(_l("Status"), choices=options(list(ACTIVE.items())), validators=[Optional()])

    @classmethod
    def for_agencies(cls, agencies: Iterable[Organisation], **kwargs) -> UserFilterForm:
        form = cls(**kwargs)
        form.agency.choices = _organisation_choices(agencies, str(_l("Any agency")))
        return form


class UsersExportForm(UserFilterForm):
    """The same filters, posted with a token: an export is recorded in the audit log."""

    class Meta:
        csrf = True


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), choices=options([("", _l("Any action")), *ACTIONS.items()]),
                         validators=[Optional()])
    actor = StringField(_l("Done by (name or e-mail)"), validators=[Optional(), Length(max=200)])
    since = DateField(_l("From (UTC)"), validators=[Optional()])
    until = DateField(_l("To (UTC, inclusive)"), validators=[Optional()])


class AuditExportForm(AuditFilterForm):
    class Meta:
        csrf = True


class UserCreateForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(check_deliverability=False),
                                                 Length(max=254)])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    organisation = SelectField(_l("Organisation"), coerce=optional_int, validators=[Optional()])
    role = SelectField(_l("Role"), choices=options([(k, v) for k, v in ROLES.items() if k != "admin"]))
    locale = SelectField(_l("Preferred language"), choices=options(LOCALE_CHOICES.items()))

    @classmethod
    def for_organisations(cls, organisations: Iterable[Organisation], allow_none: bool, **kwargs) -> UserCreateForm:
        form = cls(**kwargs)
        form.organisation.choices = _organisation_choices(organisations, str(_l("None")) if allow_none else None)
        return form


class UserEditForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    organisation = SelectField(_l("Organisation"), coerce=optional_int, validators=[Optional()])
    locale = SelectField(_l("Preferred language"), choices=options(LOCALE_CHOICES.items()))

    @classmethod
    def for_organisations(cls, organisations: Iterable[Organisation], allow_none: bool, **kwargs) -> UserEditForm:
        form = cls(**kwargs)
        form.organisation.choices = _organisation_choices(organisations, str(_l("None")) if allow_none else None)
        return form


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=options(list(ROLES.items())))
    scope_country = SelectField(_l("Administers the country"), choices=options([("", _l("All countries")),
                                                                     *COUNTRIES.items()]),
                                validators=[Optional()])
    scope_organisation = SelectField(_l("Administers only the agency"), coerce=optional_int,
                                     validators=[Optional()])

    @classmethod
    def for_agencies(cls, agencies: Iterable[Organisation], **kwargs) -> RoleForm:
        form = cls(**kwargs)
        form.scope_organisation.choices = _organisation_choices(agencies, str(_l("All its agencies")))
        return form


class OrganisationForm(FlaskForm):
    parent = SelectField(_l("Part of"), coerce=optional_int, validators=[Optional()])
    country = SelectField(_l("Country"), choices=options(list(COUNTRIES.items())))
    kind = SelectField(_l("Kind"), choices=options(list(KINDS.items())))
    code = StringField(_l("Acronym"), validators=[Optional(), Length(max=20)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])

    @classmethod
    def for_agencies(cls, agencies: Iterable[Organisation], allow_agency: bool, **kwargs) -> OrganisationForm:
        form = cls(**kwargs)
        form.parent.choices = _organisation_choices(
            agencies, str(_l("Nothing: this is an agency")) if allow_agency else None)
        return form


class OrganisationEditForm(FlaskForm):
    kind = SelectField(_l("Kind"))
    code = StringField(_l("Acronym"), validators=[Optional(), Length(max=20)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))])
