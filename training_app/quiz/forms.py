"""The quiz page's form: which page was shown, which button was pressed, and the answer inputs.

Inputs are named from question and item ids, which are slugs (`[a-z0-9-]`), so `__` cannot occur
inside an id and names never collide: `q_<question>` and `q_<question>__<item>`. Each question also
has a hidden `seq_<question>`: the number its next save takes (see services.save_answers).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, IntegerField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import HiddenInput

from training_app.quiz.services import MAX_SEQ


def field_name(question_id: str, part: str | None = None) -> str:
    return f"q_{question_id}__{part}" if part else f"q_{question_id}"


def seq_name(question_id: str) -> str:
    return f"seq_{question_id}"


class AnswersForm(FlaskForm):
    """One page of an attempt. Build it with `for_attempt`, which adds a field per answer input."""

    page = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    #: the button pressed: "next", "previous", or the number of the page to go to
    go = StringField()

    @classmethod
    def for_attempt(cls, snapshot: Mapping[str, Any]) -> AnswersForm:
        fields: dict[str, Any] = {}
        for question in snapshot["questions"]:
            fields.update(_fields(question))
        return type("AttemptAnswersForm", (cls,), fields)()

    def raw_answers(self, questions: Sequence[Mapping[str, Any]]) -> dict[str, object]:
        """What the page sent for each of its questions, shaped as grading.normalise_answer takes it."""
        return {question["id"]: _raw(self, question) for question in questions}

    def seqs(self, questions: Sequence[Mapping[str, Any]]) -> dict[str, int]:
        """The sequence number the page sent for each of its questions (none from an older page)."""
        return {question["id"]: self[seq_name(question["id"])].data for question in questions
                if self[seq_name(question["id"])].data is not None}


def _parts(question: Mapping[str, Any]) -> list[str]:
    """The item ids that get an input each (matching items, ordering items, hotspot x and y)."""
    kind = question["kind"]
    if kind == "matching":
        return list(question["items"])
    if kind == "ordering":
        return list(question["correct"])
    if kind == "hotspot":
        return ["x", "y"]
    return []


def _fields(question: Mapping[str, Any]) -> dict[str, Field]:
    question_id = question["id"]
    seq = IntegerField(widget=HiddenInput(), validators=[Optional(), NumberRange(1, MAX_SEQ)])
    if question["kind"] == "multiple_response":
        # Unknown ids are not refused here: the grader refuses them with its own message.
        return {field_name(question_id): SelectMultipleField(choices=[], validate_choice=False),
                seq_name(question_id): seq}
    fields = {field_name(question_id, part): StringField() for part in _parts(question)}
    fields[seq_name(question_id)] = seq
    if question["kind"] not in ("matching", "ordering"):
        fields[field_name(question_id)] = StringField()  # hotspot: the region chosen from the list
    return fields


def _raw(form: FlaskForm, question: Mapping[str, Any]) -> object:
    question_id, kind = question["id"], question["kind"]
    if kind in ("matching", "ordering"):
        return {part: form[field_name(question_id, part)].data for part in _parts(question)}
    value = form[field_name(question_id)].data
    if kind != "hotspot":
        return value
    x, y = (form[field_name(question_id, axis)].data for axis in ("x", "y"))
    # A region picked from the list wins: without JavaScript the learner cannot clear an earlier click.
    return value if value or not (x or y) else {"x": x, "y": y}
