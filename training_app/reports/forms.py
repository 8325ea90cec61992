"""Report filters (the page, its exports and the API share them), export choices and API token forms."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from training_app.admin.forms import COUNTRIES, optional_int, options, organisation_label
from training_app.auth.models import Organisation
from training_app.learn.models import Course
from training_app.reports import services

STATUSES = {
    "not_started": _l("Not started"),
    "in_progress": _l("In progress"),
    "completed": _l("Completed"),
    "cert_valid": _l("Certificate valid"),
    "cert_expiring": _l("Certificate expiring soon"),
    "cert_expired": _l("Certificate expired"),
    "cert_revoked": _l("Certificate revoked"),
}
#: the learner's progress in one enrolment, as the drill-down and exports show it
PROGRESS = {"not_started": _l("Not started"), "in_progress": _l("In progress"), "completed": _l("Completed")}
CERTIFICATE_STATES = {"valid": _l("Valid"), "expired": _l("Expired"), "revoked": _l("Revoked")}
GROUPS = {"country": _l("Country"), "agency": _l("Agency"), "course": _l("Course")}
PERIODS = {"enrolled": _l("Enrolled"), "completed": _l("Completed")}
FORMATS = {"csv": _l("CSV"), "xlsx": _l("Excel (XLSX)")}
TABLES = {"summary": _l("This table"), "learners": _l("Every learner")}


class CompletionFilterForm(FlaskForm):
    """The completion report's filters (a GET form: no token)."""

    class Meta:
        csrf = False

    country = SelectField(_l("Country"), choices=options([("", _l("Any country")), *COUNTRIES.items()]),
                          validators=[Optional()])
    agency = SelectField(_l("Agency"), coerce=optional_int, validators=[Optional()])
    post = SelectField(_l("Post"), coerce=optional_int, validators=[Optional()])
    course = SelectField(_l("Course"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=options([("", _l("Any status")), *STATUSES.items()]),
                         validators=[Optional()])
    expiring_days = IntegerField(_l("Expiring within (days)"), default=60,
                                 validators=[Optional(), NumberRange(min=1, max=3650)])
    period = SelectField(_l("Dates apply to"), choices=options(list(PERIODS.items())), default="enrolled")
    since = DateField(_l("From (UTC)"), validators=[Optional()])
    until = DateField(_l("To (UTC, inclusive)"), validators=[Optional()])
    group_by = SelectField(_l("Group by"), choices=options(list(GROUPS.items())), default="country")
    #: the drill-down's group (a country code, an agency id, a course id, or "none")
    key = StringField(validators=[Optional(), Length(max=20)])

    @classmethod
    def build(cls, organisations: Iterable[Organisation], courses: Iterable[Course], titles: dict[int, str],
              **kwargs) -> CompletionFilterForm:
        """The form with the organisations in the admin's scope and every course as choices."""
        form = cls(**kwargs)
        organisations = list(organisations)
        form.agency.choices = options([("", _l("Any agency"))] + [
            (str(o.id), organisation_label(o)) for o in organisations if o.parent_id is None])
        form.post.choices = options([("", _l("Any post"))] + [
            (str(o.id), organisation_label(o)) for o in organisations if o.parent_id is not None])
        courses = list(courses)
        form.course.choices = options([("", _l("Any course"))] + [(c.slug, titles.get(c.id, c.slug)) for c in courses])
        form.course_ids = {c.slug: c.id for c in courses}
        return form

    def report_filters(self, with_group: bool = False) -> services.ReportFilters:
        """The filters of the validated form; a field that did not validate filters nothing."""
        def value(field):
            return None if field.errors or field.data in ("", None) else field.data

        group = None
        if with_group and value(self.key) is not None:
            group = (self.group_value(), self.key.data)
        return services.ReportFilters(
            country=value(self.country), agency_id=value(self.agency), post_id=value(self.post),
            course_id=self.course_ids.get(value(self.course) or ""), status=value(self.status),
            expiring_days=value(self.expiring_days) or 60, period=value(self.period) or "enrolled",
            since=value(self.since), until=value(self.until), group=group)

    def group_value(self) -> str:
        return self.group_by.data if not self.group_by.errors and self.group_by.data in GROUPS else "country"


class CompletionExportForm(CompletionFilterForm):
    """The same filters, posted with a token: an export is recorded in the audit log."""

    class Meta:
        csrf = True

    table = SelectField(_l("Table"), choices=options(list(TABLES.items())), default="summary")
    format = SelectField(_l("Format"), choices=options(list(FORMATS.items())), default="csv")


class ItemExportForm(FlaskForm):
    format = RadioField(_l("Format"), choices=options(list(FORMATS.items())), default="csv")


class RegradeForm(FlaskForm):
    """Apply the regrade a preview showed: `fingerprint` names exactly what it showed."""

    fingerprint = HiddenField(validators=[DataRequired(), Length(max=64)])


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)],
                       description=_l("What the token is for, e.g. “Monthly report to the ministry”."))
    expires_on = DateField(_l("Expires after (optional)"), validators=[Optional()])
