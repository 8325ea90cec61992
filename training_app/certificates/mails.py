"""The e-mails about certificates, in the learner's language (needs an application context)."""

from __future__ import annotations

from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _

from training_app.certificates.services import DueReminder, display_code, title_in


def reminder(due: DueReminder, dashboard_url: str) -> tuple[str, str]:
    """Subject and body of an expiry reminder, in the learner's preferred language."""
    certificate = due.certificate
    locale = certificate.learner.locale
    with force_locale(locale):
        subject = ngettext("Your certificate expires in %(num)d day", "Your certificate expires in %(num)d days",
                           due.days_left)
        body = _(
            "Hello %(name)s,\n\n"
            "Your certificate for the course “%(course)s” expires on %(date)s.\n\n"
            "To renew it, sign in, open your dashboard and choose “Renew: take the course again”:\n"
            "%(link)s\n\n"
            "Certificate code: %(code)s",
            name=certificate.learner.name, course=title_in(certificate, locale),
            date=format_date(certificate.expires_on, "long"), link=dashboard_url, code=display_code(certificate.code),
        )
    return subject, body
