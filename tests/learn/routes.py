from tests.routes_common import ADMIN, ANON, LEARNER, TRAINER

ROUTES = [
    ("GET", "/courses", {ANON: 302, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
    ("GET", "/courses/demo-course", {ANON: 302, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
    ("GET", "/courses/no-such-course", {ANON: 302, LEARNER: 404, TRAINER: 404, ADMIN: 404}),
    ("POST", "/courses/demo-course/enrol", {ANON: 302, LEARNER: 302, TRAINER: 302, ADMIN: 302}),
    ("GET", "/courses/demo-course/lessons/labels", {ANON: 302, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
    ("POST", "/courses/demo-course/lessons/labels/complete",
     {ANON: 302, LEARNER: 302, TRAINER: 302, ADMIN: 302}),
    ("GET", "/media/0000.png", {ANON: 404, LEARNER: 404, TRAINER: 404, ADMIN: 404}),
]
