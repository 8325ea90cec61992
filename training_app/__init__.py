"""training_app: trilingual training for customs, wildlife and environmental enforcement officers."""

from __future__ import annotations

import logging
import uuid
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from training_app import config, db, i18n, security, web
from training_app.security import security_event

log = logging.getLogger(__name__)


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """The one application factory: settings, extensions, blueprints, error pages."""
    settings = config.load_settings(overrides)
    app = Flask(__name__, instance_path=str(settings["INSTANCE_PATH"]))
    app.config.update(settings)
    if app.config["PROXY_HOPS"]:
        # Trust exactly this many proxies' X-Forwarded-For/-Proto: the client's address for throttling
        # and logs, and https in the links the app builds. More hops than really exist would let a
        # client forge its address.
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    if app.config["PUBLIC_URL"]:
        # Links the app writes (password-reset e-mails, certificate QR codes) name the public host,
        # whatever Host header a request came with. Flask 3.1 still serves requests for any host.
        public = urlsplit(app.config["PUBLIC_URL"])
        app.config.update(SERVER_NAME=public.netloc, PREFERRED_URL_SCHEME=public.scheme)

    db.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    web.init_app(app)
    CSRFProtect(app)
    _init_login(app)

    from training_app.admin.views import bp as admin_bp
    from training_app.auth.views import bp as auth_bp
    from training_app.authoring.views import bp as authoring_bp
    from training_app.certificates.views import bp as certificates_bp
    from training_app.help.views import bp as help_bp
    from training_app.learn.views import bp as learn_bp
    from training_app.quiz.views import bp as quiz_bp
    from training_app.reports.api import bp as api_bp
    from training_app.reports.views import bp as reports_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(learn_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(quiz_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(authoring_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(help_bp)

    app.add_url_rule("/healthz", "healthz", healthz)
    _init_error_pages(app)
    return app


def _init_login(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from training_app.auth.models import User

    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = _l("Please sign in to see this page.")
    manager.login_message_category = "info"

    @manager.user_loader
    def load_user(session_id: str) -> User | None:
        # The session names the user and the epoch it was made in; a raised epoch ends it.
        user_id, _sep, epoch = session_id.partition(":")
        if not user_id.isdigit() or not epoch.isdigit():
            return None
        user = db.get_session().get(User, int(user_id))
        if user is None or not user.is_active or user.session_epoch != int(epoch):
            return None
        return user


def healthz():
    try:
        db.get_session().execute(text("SELECT 1"))
    except OperationalError:
        log.exception("health check: database unreachable")
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok")


def _init_error_pages(app: Flask) -> None:
    messages = {
        400: lambda: _("The request could not be understood. Reload the page and try again."),
        403: lambda: _("You do not have access to this page."),
        404: lambda: _("This page does not exist."),
        405: lambda: _("This action is not allowed here."),
        413: lambda: _("The file is too large."),
        429: lambda: _("Too many requests. Wait a moment and try again."),
    }

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError):
        security_event("csrf_rejected")
        return render_template("errors/error.html", status=400,
                               message=_("Your form expired or was sent twice. Reload the page and try again.")
                               ), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if request.path == "/healthz" or request.accept_mimetypes.best == "application/json":
            return jsonify(error=error.name), error.code
        if error.code == 403:
            security_event("forbidden")
        message = messages.get(error.code or 500, lambda: error.name)()
        return render_template("errors/error.html", status=error.code, message=message), error.code

    @app.errorhandler(OperationalError)
    def database_down(_error: OperationalError):
        log.exception("database unavailable")
        # The page must not ask the database who is signed in: render it as for a visitor.
        g._login_user = app.login_manager.anonymous_user()
        return render_template("errors/error.html", status=503,
                               message=_("The service is unavailable for a moment. Try again in a few minutes.")
                               ), 503

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        incident = uuid.uuid4().hex[:12]
        log.exception("unhandled error, incident %s", incident)
        session = g.get("db_session")
        if session is not None:
            session.rollback()  # a failed commit leaves it unusable, and the page asks it who is signed in
        return render_template("errors/error.html", status=500, incident=incident,
                               message=_("Something went wrong on our side.")), 500
