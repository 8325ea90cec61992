from tests.routes_common import ADMIN, ANON, LEARNER, TRAINER

#: a well-formed code that no certificate has
UNKNOWN = "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"

ROUTES = [
    ("GET", f"/certificates/{UNKNOWN}.pdf", {ANON: 302, LEARNER: 404, TRAINER: 404, ADMIN: 404}),
    ("GET", f"/certificates/{UNKNOWN}/preview.png", {ANON: 302, LEARNER: 404, TRAINER: 404, ADMIN: 404}),
    ("GET", f"/certificates/{UNKNOWN}/credential.json", {ANON: 302, LEARNER: 404, TRAINER: 404, ADMIN: 404}),
    ("POST", f"/certificates/{UNKNOWN}/renew", {ANON: 302, LEARNER: 404, TRAINER: 404, ADMIN: 404}),
    ("GET", "/verify", {ANON: 200, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
    ("GET", f"/verify/{UNKNOWN}", {ANON: 404, LEARNER: 404, TRAINER: 404, ADMIN: 404}),
    ("GET", "/.well-known/training-app-issuer.json", {ANON: 200, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
    ("GET", "/admin/certificates", {ANON: 302, LEARNER: 403, TRAINER: 403, ADMIN: 200}),
    ("GET", f"/admin/certificates/{UNKNOWN}", {ANON: 302, LEARNER: 403, TRAINER: 403, ADMIN: 404}),
    ("POST", f"/admin/certificates/{UNKNOWN}/revoke", {ANON: 302, LEARNER: 403, TRAINER: 403, ADMIN: 404}),
]
