"""The OpenAPI 3.1 description of /api/v1 (tests check every documented field against real responses)."""

from __future__ import annotations

from typing import Any

from training_app.config import COUNTRIES
from training_app.reports.services import API_MAX_LIMIT, GROUPS, PERIODS, STATUSES


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


COMPLETION = {
    "type": "object",
    "description": "One learner's enrolment in one course.",
    "required": ["enrolment_id", "user_id", "name", "email", "country", "agency", "post", "course",
                 "enrolled_at", "completed_at", "status", "days_to_complete", "score", "certificate_state",
                 "certificate_expiring", "certificate_code", "certificate_expires_on"],
    "properties": {
        "enrolment_id": {"type": "integer", "description": "Also the order of the pages."},
        "user_id": {"type": "integer"},
        "name": {"type": "string"},
        "email": {"type": "string", "format": "email"},
        "country": _nullable("string", enum=[*COUNTRIES, None], description="Null: no organisation."),
        "agency": _nullable("string"),
        "post": _nullable("string"),
        "course": {"type": "string", "description": "The course's slug."},
        "enrolled_at": {"type": "string", "format": "date-time"},
        "completed_at": _nullable("string", format="date-time"),
        "status": {"type": "string", "enum": ["not_started", "in_progress", "completed"]},
        "days_to_complete": _nullable("number"),
        "score": _nullable("number", minimum=0, maximum=1,
                           description="The course score on the latest certificate (average of the best "
                                       "passing quiz scores)."),
        "certificate_state": _nullable("string", enum=["valid", "expired", "revoked", None]),
        "certificate_expiring": {"type": "boolean",
                                 "description": "Valid and expiring within `expiring_days` days."},
        "certificate_code": _nullable("string"),
        "certificate_expires_on": _nullable("string", format="date"),
    },
}
GROUP = {
    "type": "object",
    "required": ["key", "label", "learners", "not_started", "in_progress", "completed", "completion_rate",
                 "average_score", "median_days_to_complete", "valid_certificates", "expiring_certificates",
                 "expired_certificates", "revoked_certificates"],
    "properties": {
        "key": _nullable("string", description="Country code, agency id or course id; null: no organisation "
                                               "(and for the total)."),
        "label": _nullable("string", description="Agency acronym or name, course slug."),
        "learners": {"type": "integer", "description": "Enrolments matching the filters."},
        "not_started": {"type": "integer"},
        "in_progress": {"type": "integer"},
        "completed": {"type": "integer"},
        "completion_rate": {"type": "number", "minimum": 0, "maximum": 1},
        "average_score": _nullable("number", minimum=0, maximum=1),
        "median_days_to_complete": _nullable("number"),
        "valid_certificates": {"type": "integer"},
        "expiring_certificates": {"type": "integer"},
        "expired_certificates": {"type": "integer"},
        "revoked_certificates": {"type": "integer"},
    },
}
ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"},
                   "fields": {"type": "object", "additionalProperties": {"type": "array",
                                                                        "items": {"type": "string"}}}},
}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


FILTERS = [
    _query("country", "Country code.", {"type": "string", "enum": list(COUNTRIES)}),
    _query("agency", "Agency id (with its posts).", {"type": "integer"}),
    _query("post", "Post id.", {"type": "integer"}),
    _query("course", "Course slug.", {"type": "string"}),
    _query("status", "Progress or certificate state.", {"type": "string", "enum": list(STATUSES)}),
    _query("expiring_days", "Days ahead for cert_expiring and certificate_expiring (default 60).",
           {"type": "integer", "minimum": 1, "maximum": 3650}),
    _query("period", "Which date since and until apply to.", {"type": "string", "enum": list(PERIODS)}),
    _query("since", "From this day (UTC).", {"type": "string", "format": "date"}),
    _query("until", "To this day (UTC), inclusive.", {"type": "string", "format": "date"}),
]
ERRORS = {
    "400": {"description": "A parameter is not valid.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "401": {"description": "No token, or a token unknown, revoked or expired.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
}


def document(server_url: str) -> dict[str, Any]:
    """The OpenAPI document, with this server's address."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Green Customs Training — completions API", "version": "1.0.0",
                 "description": "Read-only completion data within the scope of the administrator who created "
                                "the token. Create and revoke tokens under Reports › API tokens."},
        "servers": [{"url": server_url}],
        "security": [{"bearer": []}],
        "paths": {
            "/completions": {"get": {
                "operationId": "listCompletions",
                "summary": "Enrolments with progress, score and certificate, by enrolment id.",
                "parameters": [*FILTERS,
                               _query("limit", "Rows per page.", {"type": "integer", "minimum": 1,
                                                                 "maximum": API_MAX_LIMIT, "default": 100}),
                               _query("cursor", "The next_cursor of the previous page.", {"type": "string"})],
                "responses": {"200": {"description": "One page.", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/CompletionPage"}}}}, **ERRORS},
            }},
            "/completions/summary": {"get": {
                "operationId": "summariseCompletions",
                "summary": "Counts, completion rate, average score and median days to complete, per group.",
                "parameters": [*FILTERS, _query("group_by", "How to group.", {"type": "string",
                                                                              "enum": list(GROUPS)})],
                "responses": {"200": {"description": "The groups and the total.", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Summary"}}}}, **ERRORS},
            }},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "A personal access token (gct_…)."}},
            "schemas": {
                "Completion": COMPLETION,
                "CompletionPage": {"type": "object", "required": ["data", "next_cursor"], "properties": {
                    "data": {"type": "array", "items": {"$ref": "#/components/schemas/Completion"}},
                    "next_cursor": _nullable("string", description="Pass as cursor for the next page; null on "
                                                                   "the last page."),
                }},
                "Group": GROUP,
                "Summary": {"type": "object", "required": ["group_by", "groups", "total"], "properties": {
                    "group_by": {"type": "string", "enum": list(GROUPS)},
                    "groups": {"type": "array", "items": {"$ref": "#/components/schemas/Group"}},
                    "total": {"$ref": "#/components/schemas/Group"},
                }},
                "Error": ERROR,
            },
        },
    }
