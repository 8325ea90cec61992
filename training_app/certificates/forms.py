from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from training_app.certificates.services import MAX_REASON_LENGTH, normalise_code


class VerifyForm(FlaskForm):
    """The public lookup form; sent by GET so the result has an address, hence no CSRF token."""

    class Meta:
        csrf = False

    code = StringField(_l("Certificate code"), validators=[DataRequired(), Length(max=60)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})

    def validate_code(self, field: StringField) -> None:
        if normalise_code(field.data or "") is None:
            raise ValidationError(_l("A certificate code has 28 letters and digits, as printed on the certificate."))


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=MAX_REASON_LENGTH)])


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Code, name or e-mail"), validators=[Length(max=254)])
