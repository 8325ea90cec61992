"""Numbered saves (RELIABILITY.md Q-8) through the page without JavaScript: the page carries each
question's next number, and a page save always wins, numbered above every autosave the page sent."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.factories import make_user
from tests.quiz.helpers import page_of, question_of, quiz_of, right_fields, save_page, start
from training_app.quiz.forms import seq_name
from training_app.quiz.models import Answer


def _next_number(client, attempt, question_id: str) -> int:
    body = client.get(f"/attempts/{attempt.id}?page={page_of(attempt, question_id)}").get_data(as_text=True)
    return int(re.search(rf'name="{seq_name(question_id)}" value="(\d+)"', body).group(1))


def _numbered(client, attempt, question_id: str, answer, seq: int):
    return client.post(f"/attempts/{attempt.id}/autosave", json={"answers": {question_id: answer},
                                                                 "seq": {question_id: seq}},
                       headers={"X-CSRFToken": client.csrf_token()})


def _row(db, attempt, question_id: str) -> tuple[object, int | None]:
    db.expire_all()
    row = db.scalars(select(Answer).where(Answer.attempt_id == attempt.id, Answer.question_id == question_id)).one()
    return row.value["answer"], row.seq


def test_a_page_save_outranks_the_autosaves_before_it_even_from_a_page_loaded_earlier(client, db, login,
                                                                                         demo_course):
    login(make_user(db))
    attempt = start(client, db, quiz_of(demo_course, "cylinders"))
    question = question_of(attempt, "single_choice")
    wrong = next(choice for choice in question["choices"] if choice != question["correct"])
    assert _next_number(client, attempt, question["id"]) == 1
    assert _numbered(client, attempt, question["id"], wrong, 5).status_code == 200
    assert _next_number(client, attempt, question["id"]) == 6

    # The page as it was loaded before those autosaves (a second tab, the back button): it still saves.
    response = save_page(client, attempt, page_of(attempt, question["id"]),
                         {**right_fields(question), seq_name(question["id"]): "1"})
    assert response.status_code == 302
    assert _row(db, attempt, question["id"]) == (question["correct"], 6)
    # The page's own autosave of number 5 arriving after it is old: refused, the page's answer stays.
    assert _numbered(client, attempt, question["id"], wrong, 5).status_code == 409
    assert _numbered(client, attempt, question["id"], wrong, 6).status_code == 409
    assert _row(db, attempt, question["id"]) == (question["correct"], 6)
    assert _next_number(client, attempt, question["id"]) == 7


def test_a_page_save_numbered_ahead_keeps_its_own_number(client, db, login, demo_course):
    """With JavaScript, the page posts the number after the last one quiz.js sent."""
    login(make_user(db))
    attempt = start(client, db, quiz_of(demo_course, "cylinders"))
    question = question_of(attempt, "single_choice")
    _numbered(client, attempt, question["id"], question["correct"], 3)
    save_page(client, attempt, page_of(attempt, question["id"]),
              {**right_fields(question), seq_name(question["id"]): "9"})
    assert _row(db, attempt, question["id"]) == (question["correct"], 9)
    save_page(client, attempt, page_of(attempt, question["id"]), right_fields(question))  # an older page: no number
    assert _row(db, attempt, question["id"]) == (question["correct"], 10)


def test_a_tampered_page_number_is_refused(client, db, login, demo_course):
    login(make_user(db))
    attempt = start(client, db, quiz_of(demo_course, "cylinders"))
    question = question_of(attempt, "single_choice")
    for seq in ("0", "-3", "x", str(2**31)):
        response = save_page(client, attempt, page_of(attempt, question["id"]),
                             {**right_fields(question), seq_name(question["id"]): seq})
        assert response.status_code == 400, seq
    db.expire_all()
    assert db.scalars(select(Answer).where(Answer.attempt_id == attempt.id)).all() == []
