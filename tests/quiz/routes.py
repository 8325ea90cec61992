from tests.routes_common import ADMIN, ANON, LEARNER, TRAINER

#: in order: each signed-in role starts attempt 1 at the demo course's first quiz, then uses it
ROUTES = [
    ("POST", "/quizzes/999/attempts", {ANON: 302, LEARNER: 404, TRAINER: 404, ADMIN: 404}),
    ("POST", "/quizzes/1/attempts", {ANON: 302, LEARNER: 302, TRAINER: 302, ADMIN: 302}),
    ("GET", "/attempts/1", {ANON: 302, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
    ("GET", "/attempts/2", {ANON: 302, LEARNER: 404, TRAINER: 404, ADMIN: 404}),
    ("POST", "/attempts/1/answers", {ANON: 302, LEARNER: 400, TRAINER: 400, ADMIN: 400}),
    ("POST", "/attempts/1/autosave", {ANON: 302, LEARNER: 400, TRAINER: 400, ADMIN: 400}),
    ("GET", "/attempts/1/result", {ANON: 302, LEARNER: 302, TRAINER: 302, ADMIN: 302}),
    ("POST", "/attempts/1/submit", {ANON: 302, LEARNER: 302, TRAINER: 302, ADMIN: 302}),
    ("GET", "/attempts/1/result", {ANON: 302, LEARNER: 200, TRAINER: 200, ADMIN: 200}),
    ("POST", "/attempts/2/submit", {ANON: 302, LEARNER: 404, TRAINER: 404, ADMIN: 404}),
]
