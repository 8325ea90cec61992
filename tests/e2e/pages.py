"""Every page type of the application, with the account that sees it and the address of a seeded example.
The accessibility, HTML, screenshot and performance checks all walk this one list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.e2e.seed import DEMO, World, email

ANONYMOUS = ""
LEARNER = email("sweep", "en")
AUTHOR = email("author", "fr")
ADMIN = email("admin")


def quizzer(lang: str) -> str:
    return email("quizzer", lang)


@dataclass(frozen=True)
class PageType:
    name: str
    #: the e-mail of the account that opens it, or a function of the language; ANONYMOUS for none
    account: str | Callable[[str], str]
    path: Callable[[World, str], str]
    status: int = 200

    def account_for(self, lang: str) -> str:
        return self.account(lang) if callable(self.account) else self.account


def _fixed(path: str) -> Callable[[World, str], str]:
    return lambda _world, _lang: path


def _attempt(slug: str, page: int | None = None) -> Callable[[World, str], str]:
    def path(world: World, lang: str) -> str:
        attempt, count = world.open_attempts[lang][slug]
        return f"/attempts/{attempt}?page={count + 1 if page is None else page}"
    return path


AUTHORING = f"/authoring/courses/{DEMO}"

PAGE_TYPES: list[PageType] = [
    # public
    PageType("login", ANONYMOUS, _fixed("/login")),
    PageType("register", ANONYMOUS, _fixed("/register")),
    PageType("password-forgot", ANONYMOUS, _fixed("/password/forgot")),
    PageType("verify-form", ANONYMOUS, _fixed("/verify")),
    PageType("verify-valid", ANONYMOUS, lambda world, _lang: f"/verify/{world.certificate}"),
    PageType("verify-revoked", ANONYMOUS, lambda world, _lang: f"/verify/{world.revoked_certificate}"),
    PageType("verify-unknown", ANONYMOUS, _fixed("/verify/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG"), 404),
    PageType("not-found", ANONYMOUS, _fixed("/no-such-page"), 404),
    # learner
    PageType("dashboard", LEARNER, _fixed("/dashboard")),
    PageType("catalogue", LEARNER, _fixed("/courses")),
    PageType("course", LEARNER, _fixed(f"/courses/{DEMO}")),
    PageType("lesson", LEARNER, _fixed(f"/courses/{DEMO}/lessons/labels")),
    PageType("lesson-image", LEARNER, _fixed(f"/courses/{DEMO}/lessons/permits")),
    PageType("result-full-review", LEARNER, lambda world, _lang: f"/attempts/{world.results['check-cylinders']}/result"
             ),
    PageType("result-score-only", LEARNER, lambda world, _lang: f"/attempts/{world.results['check-paperwork']}/result"
             ),
    PageType("account", LEARNER, _fixed("/account")),
    PageType("transcript", LEARNER, _fixed("/reports/transcript")),
    PageType("help-learners", LEARNER, _fixed("/help/learners")),
    PageType("password-change", LEARNER, _fixed("/account/password")),
    *[PageType(f"quiz-cylinders-{n}", quizzer, _attempt("check-cylinders", n)) for n in range(1, 6)],
    *[PageType(f"quiz-paperwork-{n}", quizzer, _attempt("check-paperwork", n)) for n in range(1, 4)],
    PageType("quiz-check-and-submit", quizzer, _attempt("check-cylinders")),
    # trainer
    PageType("authoring-courses", AUTHOR, _fixed("/authoring")),
    PageType("authoring-outline", AUTHOR, _fixed(AUTHORING)),
    PageType("authoring-course-settings", AUTHOR, _fixed(f"{AUTHORING}/settings")),
    PageType("authoring-module", AUTHOR, _fixed(f"{AUTHORING}/modules/cylinders")),
    PageType("authoring-lesson", AUTHOR, _fixed(f"{AUTHORING}/lessons/labels")),
    PageType("authoring-quiz", AUTHOR, _fixed(f"{AUTHORING}/quizzes/check-cylinders")),
    PageType("authoring-question-hotspot", AUTHOR, _fixed(f"{AUTHORING}/quizzes/check-cylinders/questions/find-name")),
    PageType("authoring-question-matching", AUTHOR,
             _fixed(f"{AUTHORING}/quizzes/check-paperwork/questions/match-treaty")),
    PageType("authoring-case", AUTHOR, _fixed(f"{AUTHORING}/quizzes/check-paperwork/cases/battery-truck")),
    PageType("authoring-images", AUTHOR, _fixed(f"{AUTHORING}/media")),
    PageType("authoring-translations", AUTHOR, _fixed(f"{AUTHORING}/translations")),
    PageType("authoring-import-questions", AUTHOR, _fixed(f"{AUTHORING}/import-questions")),
    PageType("authoring-publish", AUTHOR, _fixed(f"{AUTHORING}/publish")),
    PageType("preview-lesson", AUTHOR, lambda _world, lang: f"{AUTHORING}/preview/{lang}/lessons/labels"),
    PageType("preview-quiz", AUTHOR, lambda _world, lang: f"{AUTHORING}/preview/{lang}/quizzes/check-paperwork"),
    # administrator
    PageType("admin-users", ADMIN, _fixed("/admin/users")),
    PageType("admin-user-new", ADMIN, _fixed("/admin/users/new")),
    PageType("admin-user", ADMIN, lambda world, _lang: f"/admin/users/{world.learner_id}"),
    PageType("admin-organisations", ADMIN, _fixed("/admin/organisations")),
    PageType("admin-organisation", ADMIN, lambda world, _lang: f"/admin/organisations/{world.organisation_id}"),
    PageType("admin-organisation-new", ADMIN, _fixed("/admin/organisations/new")),
    PageType("admin-import", ADMIN, _fixed("/admin/import")),
    PageType("admin-audit", ADMIN, _fixed("/admin/audit")),
    PageType("admin-certificates", ADMIN, _fixed("/admin/certificates?q=Morgan")),
    PageType("admin-certificate", ADMIN, lambda world, _lang: f"/admin/certificates/{world.certificate}"),
    PageType("authoring-site-settings", ADMIN, _fixed("/authoring/settings")),
    PageType("reports-completions", ADMIN, _fixed("/reports/completions?group_by=country")),
    PageType("reports-completion-learners", ADMIN, _fixed("/reports/completions/learners?group_by=country&key=US")),
    PageType("reports-items", ADMIN, _fixed("/reports/items")),
    PageType("reports-item", ADMIN, lambda world, _lang: f"/reports/items/{world.quiz_ids['check-cylinders']}"),
    PageType("reports-learner-transcript", ADMIN, lambda world, _lang: f"/reports/learners/{world.learner_id}"),
    PageType("reports-api-tokens", ADMIN, _fixed("/reports/tokens")),
    PageType("help", ADMIN, _fixed("/help")),
    PageType("help-administrators", ADMIN, _fixed("/help/administrators")),
    PageType("help-trainers", AUTHOR, _fixed("/help/trainers")),
]
