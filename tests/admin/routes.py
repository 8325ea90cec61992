from tests.routes_common import ADMIN, ANON, LEARNER, TRAINER

#: administrators only; object routes name ids that do not exist, so an admin gets 404
_ADMIN_ONLY = {ANON: 302, LEARNER: 403, TRAINER: 403}

ROUTES = [
    ("GET", "/admin", {**_ADMIN_ONLY, ADMIN: 302}),
    ("GET", "/admin/users", {**_ADMIN_ONLY, ADMIN: 200}),
    ("POST", "/admin/users/export", {**_ADMIN_ONLY, ADMIN: 200}),
    ("GET", "/admin/users/new", {**_ADMIN_ONLY, ADMIN: 200}),
    ("POST", "/admin/users/new", {**_ADMIN_ONLY, ADMIN: 422}),
    ("GET", "/admin/users/999999", {**_ADMIN_ONLY, ADMIN: 404}),
    ("POST", "/admin/users/999999", {**_ADMIN_ONLY, ADMIN: 404}),
    ("POST", "/admin/users/999999/role", {**_ADMIN_ONLY, ADMIN: 404}),
    ("POST", "/admin/users/999999/deactivate", {**_ADMIN_ONLY, ADMIN: 404}),
    ("POST", "/admin/users/999999/reactivate", {**_ADMIN_ONLY, ADMIN: 404}),
    ("POST", "/admin/users/999999/password-reset", {**_ADMIN_ONLY, ADMIN: 404}),
    ("POST", "/admin/users/999999/invitation", {**_ADMIN_ONLY, ADMIN: 404}),
    ("GET", "/admin/organisations", {**_ADMIN_ONLY, ADMIN: 200}),
    ("GET", "/admin/organisations/new", {**_ADMIN_ONLY, ADMIN: 200}),
    ("POST", "/admin/organisations/new", {**_ADMIN_ONLY, ADMIN: 422}),
    ("GET", "/admin/organisations/999999", {**_ADMIN_ONLY, ADMIN: 404}),
    ("POST", "/admin/organisations/999999", {**_ADMIN_ONLY, ADMIN: 404}),
    ("POST", "/admin/organisations/999999/invitation-code", {**_ADMIN_ONLY, ADMIN: 404}),
    ("POST", "/admin/organisations/999999/invitation-code/remove", {**_ADMIN_ONLY, ADMIN: 404}),
    ("GET", "/admin/import", {**_ADMIN_ONLY, ADMIN: 200}),
    ("POST", "/admin/import", {**_ADMIN_ONLY, ADMIN: 422}),
    ("GET", "/admin/import/template.csv", {**_ADMIN_ONLY, ADMIN: 200}),
    ("POST", "/admin/import/no-such-file-token-here/apply", {**_ADMIN_ONLY, ADMIN: 404}),
    ("GET", "/admin/audit", {**_ADMIN_ONLY, ADMIN: 200}),
    ("POST", "/admin/audit/export", {**_ADMIN_ONLY, ADMIN: 200}),
]
