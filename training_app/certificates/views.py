"""Certificate downloads (PDF, PNG preview, JSON credential), renewal, public verification and revocation."""

from __future__ import annotations

import hmac
import io
import json
import logging
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from training_app.certificates import pdf, services
from training_app.certificates.forms import RevokeForm, SearchForm, VerifyForm
from training_app.certificates.models import Certificate
from training_app.config import LANGUAGES
from training_app.db import get_session, utcnow
from training_app.forms import ActionForm
from training_app.security import Role, deny, role_required, security_event

log = logging.getLogger(__name__)

bp = Blueprint("certificates", __name__)

#: the translated message for each CertificateError code
ERRORS = {
    "not_renewable": _l("This certificate cannot be renewed now."),
    "bad_reason": _l("Give a reason of at most 500 characters."),
    "already_revoked": _l("This certificate is already revoked."),
}
STATES = {
    "valid": _l("Valid"),
    "expired": _l("Expired"),
    "revoked": _l("Revoked"),
    "invalid": _l("Not valid"),
}
PUBLIC_HEADERS = {
    # The page must show a revocation at once and stay out of search engines.
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}


@bp.app_template_filter("certificate_code")
def certificate_code(code: str) -> str:
    return services.display_code(code)


# The learner's certificates -----------------------------------------------------------------------

@bp.get("/certificates/<code>.pdf")
@login_required
def download_pdf(code: str):
    certificate = _downloadable_or_404(code)
    lang = request.args.get("lang") if request.args.get("lang") in LANGUAGES else certificate.learner.locale
    paper = request.args.get("paper") if request.args.get("paper") in pdf.PAPERS else _paper_for(certificate)
    verify_url = _verify_url(certificate)
    with force_locale(lang):
        data = pdf.cached_pdf(Path(current_app.instance_path) / "cache" / "certificates", certificate, lang, paper,
                              verify_url, _qr_payload(certificate))
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"certificate-{services.display_code(certificate.code)}-{lang}.pdf")


@bp.get("/certificates/<code>/preview.png")
@login_required
def preview(code: str):
    certificate = _downloadable_or_404(code)
    lang = request.args.get("lang") if request.args.get("lang") in LANGUAGES else certificate.learner.locale
    with force_locale(lang):
        data = pdf.render_preview(certificate, lang)
    return send_file(io.BytesIO(data), mimetype="image/png")


@bp.get("/certificates/<code>/credential.json")
@login_required
def download_credential(code: str):
    certificate = _downloadable_or_404(code)
    document = services.credential(certificate, services.current_issuer(), _issuer_url(), _verify_url(certificate))
    response = make_response(json.dumps(document, ensure_ascii=False, indent=2))
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="certificate-{services.display_code(certificate.code)}.json"')
    return response


@bp.post("/certificates/<code>/renew")
@login_required
def renew(code: str):
    db = get_session()
    certificate = services.by_code(db, code)
    if certificate is None or certificate.user_id != current_user.id:
        deny("not_own_certificate", certificate_id=certificate and certificate.id)
    if not ActionForm().validate_on_submit():
        abort(400)
    now = utcnow()
    try:
        course = services.start_renewal(db, certificate, now.date(), now)
    except services.CertificateError as error:
        flash(ERRORS[error.code], "error")
        return redirect(url_for("learn.dashboard"))
    db.commit()
    flash(_("Take the course again to renew your certificate. Your current certificate stays valid until it "
            "expires."), "info")
    return redirect(url_for("learn.show_course", slug=course.slug))


# Public verification -----------------------------------------------------------------------------

@bp.get("/verify")
def verify_form():
    form = VerifyForm(request.args)
    if "code" not in request.args:
        return _public(render_template("certificates/verify_form.html", form=form), 200)
    if not form.validate():
        return _public(render_template("certificates/verify_form.html", form=form), 422)
    code = services.normalise_code(form.code.data)
    return redirect(url_for("certificates.verify_code", code=services.display_code(code)))


@bp.get("/verify/<code>")
def verify_code(code: str):
    """The public answer about one code. The lookup counter is this GET's only write."""
    db = get_session()
    now = utcnow()
    allowed = services.count_lookup(db, request.remote_addr or "unknown", now)
    db.commit()
    if not allowed:
        security_event("verify_throttled")
        response = _public(render_template(
            "errors/error.html", status=429,
            message=_("Too many certificate checks from your network. Wait 15 minutes and try again.")), 429)
        response.headers["Retry-After"] = "900"
        return response
    certificate = services.by_code(db, code)
    if certificate is None:
        return _public(render_template("certificates/verify_show.html", certificate=None,
                                       form=VerifyForm(data={"code": code[:60]})), 404)
    state = services.state_of(certificate, now.date(), services.current_issuer().key)
    printed = request.args.get("sig")
    return _public(render_template(
        "certificates/verify_show.html", certificate=certificate, state=state, STATES=STATES,
        title=services.title_in(certificate, _page_locale()),
        signature_differs=printed is not None and not hmac.compare_digest(printed.encode(),
                                                                          certificate.signature.encode()),
    ), 200)


@bp.get("/.well-known/training-app-issuer.json")
def issuer_profile():
    response = make_response(json.dumps(services.issuer_profile(services.current_issuer(), _issuer_url()),
                                        ensure_ascii=False, indent=2))
    response.mimetype = "application/json"
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"  # a public key, for any verifier
    return response


# Administration ----------------------------------------------------------------------------------

@bp.get("/admin/certificates")
@role_required(Role.ADMIN)
def admin_list():
    form = SearchForm(request.args)
    results = services.search(get_session(), current_user, form.q.data or "") if form.validate() else []
    return render_template("certificates/admin_list.html", form=form, results=results, today=utcnow().date(),
                           STATES=STATES, state_of=services.state_of)


@bp.get("/admin/certificates/<code>")
@role_required(Role.ADMIN)
def admin_show(code: str):
    certificate = _certificate_or_404(code)
    return _admin_page(certificate, RevokeForm())


@bp.post("/admin/certificates/<code>/revoke")
@role_required(Role.ADMIN)
def revoke(code: str):
    db = get_session()
    certificate = _certificate_or_404(code)
    form = RevokeForm()
    if not form.validate_on_submit():
        return _admin_page(certificate, form), 422
    try:
        services.revoke(db, certificate, form.reason.data, current_user._get_current_object(), utcnow())
    except services.CertificateError as error:
        if error.code == "already_revoked":  # the page shows the first revocation and no form
            flash(ERRORS[error.code], "error")
            return redirect(url_for("certificates.admin_show", code=services.display_code(certificate.code)))
        form.reason.errors = [*form.reason.errors, ERRORS[error.code]]
        return _admin_page(certificate, form), 422
    db.commit()
    flash(_("The certificate is revoked. The verification page shows it now."), "success")
    return redirect(url_for("certificates.admin_show", code=services.display_code(certificate.code)))


def _admin_page(certificate: Certificate, form: RevokeForm):
    return render_template("certificates/admin_show.html", certificate=certificate, form=form,
                           state=services.state_of(certificate, utcnow().date(), services.current_issuer().key),
                           STATES=STATES, title=services.title_in(certificate, _page_locale()))


# Helpers -----------------------------------------------------------------------------------------

def _certificate_or_404(code: str) -> Certificate:
    """The certificate if its learner is in the administrator's scope; anything else is 404, and logged."""
    db = get_session()
    certificate = services.by_code(db, code)
    if certificate is None or not services.in_admin_scope(db, certificate, current_user):
        deny("certificate_out_of_scope", certificate_id=certificate and certificate.id)
    return certificate


def _downloadable_or_404(code: str) -> Certificate:
    """The certificate if it is the user's own (or in an admin's scope); anything else is 404, and logged."""
    db = get_session()
    certificate = services.downloadable(db, code, current_user)
    if certificate is None:
        found = services.by_code(db, code)
        deny("not_own_certificate", certificate_id=found and found.id)
    return certificate


def _paper_for(certificate: Certificate) -> str:
    """US Letter for learners of a US agency, A4 for everyone else."""
    organisation = certificate.learner.organisation
    return "letter" if organisation is not None and organisation.agency.country == "US" else "a4"


def _verify_url(certificate: Certificate) -> str:
    return url_for("certificates.verify_code", code=services.display_code(certificate.code), _external=True)


def _qr_payload(certificate: Certificate) -> str:
    """The verification address, carrying the signature so the page can tell a doctored printout."""
    return f"{_verify_url(certificate)}?sig={certificate.signature}"


def _issuer_url() -> str:
    return url_for("certificates.issuer_profile", _external=True)


def _page_locale() -> str:
    return str(get_locale())


def _public(body: str, status: int):
    response = make_response(body, status)
    response.headers.update(PUBLIC_HEADERS)
    return response
