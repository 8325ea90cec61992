from tests.routes_common import ADMIN, ANON, LEARNER, TRAINER

#: help is public: someone who cannot sign in, or who checks a certificate, needs it too
ROUTES = [
    ("GET", path, {ANON: 200, LEARNER: 200, TRAINER: 200, ADMIN: 200})
    for path in ("/help", "/help/learners", "/help/trainers", "/help/administrators")
]
