"""The read-only JSON API over completion data: /api/v1, personal access tokens (Bearer), keyset pages.

Only GET routes, authenticated by the token alone: a session cookie is never read here, so no request
this blueprint serves can be forged from another site, and no CSRF exemption is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import wraps
from typing import Any

from flask import Blueprint, Response, jsonify, request

from training_app.admin import services as admin_services
from training_app.auth.models import User
from training_app.db import get_session, utcnow
from training_app.reports import services
from training_app.reports.forms import CompletionFilterForm
from training_app.reports.openapi import document
from training_app.security import security_event

bp = Blueprint("api", __name__, url_prefix="/api/v1")
DEFAULT_LIMIT = 100


def _error(status: int, code: str, message: str, **extra: Any) -> Response:
    response = jsonify(error=code, message=message, **extra)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="training_app", error="invalid_token"'
    return response


def token_required(view: Callable[..., Response]) -> Callable[..., Response]:
    """Passes the administrator the bearer token acts as; anything else is 401."""
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Response:
        scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
        user = (services.token_user(get_session(), token.strip(), utcnow())
                if scheme.lower() == "bearer" and token.strip() else None)
        if user is None:
            security_event("api_token_refused")
            return _error(401, "unauthorized", "Send a valid personal access token: Authorization: Bearer <token>.")
        return view(user, *args, **kwargs)
    return wrapped


def _filters(admin: User) -> tuple[CompletionFilterForm, dict[str, list[str]]]:
    db = get_session()
    form = CompletionFilterForm.build(admin_services.organisations(db, admin), services.courses(db), {},
                                      formdata=request.args)
    form.validate()
    errors = {name: [str(e) for e in messages] for name, messages in form.errors.items()}
    return form, errors


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


@bp.get("/completions")
@token_required
def completions(admin: User) -> Response:
    form, errors = _filters(admin)
    limit = request.args.get("limit", DEFAULT_LIMIT, type=int)
    cursor = request.args.get("cursor", "0")
    if not 1 <= limit <= services.API_MAX_LIMIT:
        errors["limit"] = [f"between 1 and {services.API_MAX_LIMIT}"]
    if not cursor.isdigit():
        errors["cursor"] = ["a next_cursor value from a previous page"]
    if errors:
        return _error(400, "invalid_parameter", "Some parameters are not valid.", fields=errors)
    db = get_session()
    rows = services.learners_after(db, admin, form.report_filters(), int(cursor), limit + 1, utcnow().date())
    slugs = {course_id: slug for slug, course_id in form.course_ids.items()}
    data = [{
        "enrolment_id": row.enrolment_id, "user_id": row.user_id, "name": row.name, "email": row.email,
        "country": row.country, "agency": row.agency, "post": row.post, "course": slugs.get(row.course_id),
        "enrolled_at": _json(row.enrolled_at), "completed_at": _json(row.completed_at), "status": row.progress,
        "days_to_complete": _json(row.days), "score": _json(row.score),
        "certificate_state": row.certificate, "certificate_expiring": row.expiring,
        "certificate_code": row.certificate_code, "certificate_expires_on": _json(row.expires_on),
    } for row in rows[:limit]]
    next_cursor = str(rows[limit - 1].enrolment_id) if len(rows) > limit else None
    return jsonify(data=data, next_cursor=next_cursor)


@bp.get("/completions/summary")
@token_required
def completions_summary(admin: User) -> Response:
    form, errors = _filters(admin)
    if errors:
        return _error(400, "invalid_parameter", "Some parameters are not valid.", fields=errors)
    db = get_session()
    summary = services.summary(db, admin, form.report_filters(), form.group_value(), utcnow().date())
    if summary.group_by == "agency":
        labels = {str(k): v for k, v in services.organisation_names(db, [g.key for g in summary.groups]).items()}
    elif summary.group_by == "course":
        labels = {str(course_id): slug for slug, course_id in form.course_ids.items()}
    else:
        labels = {}
    return jsonify(group_by=summary.group_by,
                   groups=[_group(group, labels.get(group.key or "", group.key)) for group in summary.groups],
                   total=_group(summary.total, None))


def _group(group: services.GroupRow, label: str | None) -> dict[str, Any]:
    return {
        "key": group.key, "label": label, "learners": group.learners, "not_started": group.not_started,
        "in_progress": group.in_progress, "completed": group.completed,
        "completion_rate": _json(group.completion_rate), "average_score": _json(group.average_score),
        "median_days_to_complete": _json(group.median_days), "valid_certificates": group.valid,
        "expiring_certificates": group.expiring, "expired_certificates": group.expired,
        "revoked_certificates": group.revoked,
    }


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document(request.host_url.rstrip("/") + bp.url_prefix))
