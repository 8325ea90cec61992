from tests.routes_common import ADMIN, ANON, LEARNER, TRAINER

#: trainers and admins; a trainer who is not an editor of the demo course gets 404 on it, as if it did not exist
_AREA = {ANON: 302, LEARNER: 403}
_COURSE = "/authoring/courses/demo-course"


def _course(admin: int) -> dict:
    return {**_AREA, TRAINER: 404, ADMIN: admin}


ROUTES = [
    ("GET", "/authoring", {**_AREA, TRAINER: 200, ADMIN: 200}),
    ("POST", "/authoring/courses", {**_AREA, TRAINER: 422, ADMIN: 422}),
    ("GET", "/authoring/settings", {**_AREA, TRAINER: 403, ADMIN: 200}),
    ("POST", "/authoring/settings", {**_AREA, TRAINER: 403, ADMIN: 302}),
    ("GET", _COURSE, _course(200)),
    ("GET", "/authoring/courses/no-such-course", {**_AREA, TRAINER: 404, ADMIN: 404}),
    ("GET", f"{_COURSE}/settings", _course(200)),
    ("POST", f"{_COURSE}/settings", _course(422)),
    ("POST", f"{_COURSE}/settings/structure", _course(422)),
    ("POST", f"{_COURSE}/modules", _course(422)),
    ("POST", f"{_COURSE}/editors", _course(422)),
    ("POST", f"{_COURSE}/editors/999999/remove", _course(404)),
    ("POST", f"{_COURSE}/discard", _course(404)),
    ("POST", f"{_COURSE}/delete/lesson/no-such-lesson", _course(404)),
    ("GET", f"{_COURSE}/modules/cylinders", _course(200)),
    ("POST", f"{_COURSE}/modules/cylinders", _course(422)),
    ("POST", f"{_COURSE}/modules/cylinders/structure", _course(422)),
    ("POST", f"{_COURSE}/modules/cylinders/lessons", _course(422)),
    ("POST", f"{_COURSE}/modules/cylinders/quiz", _course(422)),
    ("GET", f"{_COURSE}/lessons/labels", _course(200)),
    ("POST", f"{_COURSE}/lessons/labels", _course(422)),
    ("GET", f"{_COURSE}/quizzes/check-cylinders", _course(200)),
    ("POST", f"{_COURSE}/quizzes/check-cylinders", _course(422)),
    ("POST", f"{_COURSE}/quizzes/check-cylinders/structure", _course(422)),
    ("POST", f"{_COURSE}/quizzes/check-cylinders/questions", _course(422)),
    ("POST", f"{_COURSE}/quizzes/check-cylinders/cases", _course(422)),
    ("GET", f"{_COURSE}/quizzes/check-cylinders/questions/find-name", _course(200)),
    ("POST", f"{_COURSE}/quizzes/check-cylinders/questions/find-name", _course(422)),
    ("POST", f"{_COURSE}/quizzes/check-cylinders/questions/find-name/structure", _course(422)),
    ("GET", f"{_COURSE}/quizzes/check-paperwork/cases/battery-truck", _course(200)),
    ("POST", f"{_COURSE}/quizzes/check-paperwork/cases/battery-truck", _course(422)),
    ("POST", f"{_COURSE}/quizzes/check-paperwork/cases/battery-truck/structure", _course(422)),
    ("GET", f"{_COURSE}/quizzes/check-cylinders/moodle.xml", _course(200)),
    ("GET", f"{_COURSE}/media", _course(200)),
    ("POST", f"{_COURSE}/media", _course(302)),  # the demo course has no uploaded image to describe
    ("POST", f"{_COURSE}/media/upload", _course(422)),
    ("GET", f"{_COURSE}/translations", _course(200)),
    ("POST", f"{_COURSE}/translations/confirm", _course(400)),
    ("GET", f"{_COURSE}/preview/fr/lessons/labels", _course(200)),
    ("GET", f"{_COURSE}/preview/es/quizzes/check-paperwork", _course(200)),
    ("GET", f"{_COURSE}/publish", _course(200)),
    ("POST", f"{_COURSE}/publish", _course(302)),
    ("GET", f"{_COURSE}/export.zip", _course(200)),
    ("GET", f"{_COURSE}/import-questions", _course(200)),
    ("POST", f"{_COURSE}/import-questions", _course(422)),
]
