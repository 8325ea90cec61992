from tests.routes_common import ADMIN, ANON, LEARNER, TRAINER

_ADMIN_ONLY = {ANON: 302, LEARNER: 403, TRAINER: 403}
_ANALYSTS = {ANON: 302, LEARNER: 403}
#: the API reads a bearer token only: a signed-in browser without one gets 401 too
_API = {ANON: 401, LEARNER: 401, TRAINER: 401, ADMIN: 401}

ROUTES = [
    ("GET", "/reports", {**_ANALYSTS, TRAINER: 302, ADMIN: 302}),
    ("GET", "/reports/completions", {**_ADMIN_ONLY, ADMIN: 200}),
    ("GET", "/reports/completions/learners", {**_ADMIN_ONLY, ADMIN: 302}),
    ("POST", "/reports/completions/export", {**_ADMIN_ONLY, ADMIN: 200}),
    ("GET", "/reports/transcript", {ANON: 302, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
    ("GET", "/reports/learners/999999", {ANON: 302, LEARNER: 404, TRAINER: 404, ADMIN: 404}),
    ("GET", "/reports/items", {**_ANALYSTS, TRAINER: 200, ADMIN: 200}),
    ("GET", "/reports/items/999999", {**_ANALYSTS, TRAINER: 404, ADMIN: 404}),
    ("POST", "/reports/items/999999/export", {**_ANALYSTS, TRAINER: 404, ADMIN: 404}),
    ("GET", "/reports/items/999999/regrade", {**_ANALYSTS, TRAINER: 404, ADMIN: 404}),
    ("POST", "/reports/items/999999/regrade", {**_ANALYSTS, TRAINER: 404, ADMIN: 404}),
    ("GET", "/reports/tokens", {**_ADMIN_ONLY, ADMIN: 200}),
    ("POST", "/reports/tokens", {**_ADMIN_ONLY, ADMIN: 422}),
    ("POST", "/reports/tokens/999999/revoke", {**_ADMIN_ONLY, ADMIN: 404}),
    ("GET", "/api/v1/completions", _API),
    ("GET", "/api/v1/completions/summary", _API),
    ("GET", "/api/v1/openapi.json", {ANON: 200, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
]
