from tests.routes_common import ADMIN, ANON, LEARNER, TRAINER

ROUTES = [
    ("GET", "/", {ANON: 302, LEARNER: 302, TRAINER: 302, ADMIN: 302}),
    ("GET", "/healthz", {ANON: 200, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
    ("GET", "/login", {ANON: 200, LEARNER: 302, TRAINER: 302, ADMIN: 302}),
    ("POST", "/login", {ANON: 422, LEARNER: 302, TRAINER: 302, ADMIN: 302}),
    ("POST", "/logout", {ANON: 302, LEARNER: 302, TRAINER: 302, ADMIN: 302}),
    ("GET", "/register", {ANON: 200, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
    ("POST", "/register", {ANON: 422, LEARNER: 422, TRAINER: 422, ADMIN: 422}),
    ("GET", "/dashboard", {ANON: 302, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
    ("GET", "/account", {ANON: 302, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
    ("POST", "/account", {ANON: 302, LEARNER: 422, TRAINER: 422, ADMIN: 422}),
    ("GET", "/account/password", {ANON: 302, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
    ("POST", "/account/password", {ANON: 302, LEARNER: 422, TRAINER: 422, ADMIN: 422}),
    ("GET", "/password/forgot", {ANON: 200, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
    ("POST", "/password/forgot", {ANON: 422, LEARNER: 422, TRAINER: 422, ADMIN: 422}),
    ("GET", "/password/reset/not-a-token", {ANON: 400, LEARNER: 400, TRAINER: 400, ADMIN: 400}),
    ("POST", "/password/reset/not-a-token", {ANON: 400, LEARNER: 400, TRAINER: 400, ADMIN: 400}),
]
