"""Authoring forms: structure fields, the three-language text forms, uploads and imports."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from training_app.authoring import document as doc
from training_app.authoring.services import QUESTION_KINDS
from training_app.content.schema import is_slug

LANGUAGE_LABELS = {"en": "English", "fr": "Français", "es": "Español"}
TOPIC_LABELS = {
    "wildlife": _l("Wildlife"), "timber": _l("Timber"), "ods": _l("Ozone-depleting substances and HFCs"),
    "hazardous_waste": _l("Hazardous waste"), "chemicals": _l("Chemicals and pesticides"),
    "cross_cutting": _l("Cross-cutting skills"),
}
KIND_LABELS = {
    "single_choice": _l("Single choice"), "multiple_response": _l("Multiple response"),
    "true_false": _l("True or false"), "matching": _l("Matching"), "ordering": _l("Ordering"),
    "numeric": _l("Numeric answer"), "image_choice": _l("Choice of images"), "hotspot": _l("Hotspot on an image"),
}


def options(pairs: Any) -> list[SelectChoice]:
    """Select options from (value, label) pairs; labels may be lazy translations."""
    return [SelectChoice(value, label) for value, label in pairs]


def _slug(_form: FlaskForm, field: Any) -> None:
    if not is_slug(field.data or ""):
        raise ValidationError(_l("Use lower-case letters, digits and hyphens, starting with a letter or digit."))


def id_list(text: str | None) -> list[str]:
    """Ids typed one a line or separated by commas or spaces."""
    return [part for part in re.split(r"[\s,]+", text or "") if part]


class NewCourseForm(FlaskForm):
    slug = StringField(_l("Course id"), validators=[DataRequired(), Length(max=64), _slug])
    topic = SelectField(_l("Topic"), choices=options(TOPIC_LABELS.items()))
    title = StringField(_l("Title in English"), validators=[DataRequired(), Length(max=300)])


class CourseSettingsForm(FlaskForm):
    topic = SelectField(_l("Topic"), choices=options(TOPIC_LABELS.items()))
    estimated_minutes = IntegerField(_l("Estimated time (minutes)"), validators=[InputRequired(), NumberRange(1)])
    certificate_validity_months = IntegerField(_l("Certificate valid for (months)"),
                                               validators=[InputRequired(), NumberRange(1)])
    last_verified_on = DateField(_l("Facts last checked on"), validators=[InputRequired()])
    sources = TextAreaField(_l("Sources"), validators=[DataRequired()])
    module_order = StringField(_l("Order of the modules"), validators=[Optional()])
    base = HiddenField(validators=[DataRequired()])

    def validate_sources(self, field: Any) -> None:
        for line in (field.data or "").splitlines():
            if line.strip() and len([p for p in line.split("|") if p.strip()]) != 3:
                raise ValidationError(_l("Write each source as: key | title | address."))

    def source_list(self) -> list[dict[str, str]]:
        sources = []
        for line in self.sources.data.splitlines():
            if line.strip():
                key, title, url = (part.strip() for part in line.split("|"))
                sources.append({"key": key, "title": title, "url": url})
        return sources


class AddModuleForm(FlaskForm):
    module_id = StringField(_l("Module id"), validators=[DataRequired(), Length(max=64), _slug])
    module_title = StringField(_l("Module title in English"), validators=[DataRequired(), Length(max=300)])
    first_lesson = StringField(_l("Id of its first lesson"), validators=[DataRequired(), Length(max=64), _slug])


class ModuleForm(FlaskForm):
    lesson_order = StringField(_l("Order of the lessons"), validators=[DataRequired()])
    base = HiddenField(validators=[DataRequired()])


class AddLessonForm(FlaskForm):
    lesson_id = StringField(_l("Lesson id"), validators=[DataRequired(), Length(max=64), _slug])
    lesson_title = StringField(_l("Lesson title in English"), validators=[DataRequired(), Length(max=300)])


class AddQuizForm(FlaskForm):
    quiz_id = StringField(_l("Quiz id"), validators=[DataRequired(), Length(max=64), _slug])
    quiz_title = StringField(_l("Quiz title in English"), validators=[DataRequired(), Length(max=300)])


class QuizSettingsForm(FlaskForm):
    pass_mark = DecimalField(_l("Pass mark (share of the points, e.g. 0.8)"), places=None,
                             validators=[InputRequired(), NumberRange(Decimal("0.01"), Decimal(1))])
    draw = IntegerField(_l("Questions per attempt (empty: all)"), validators=[Optional(), NumberRange(1)])
    draw_rules = TextAreaField(_l("Draw rules (one a line: tag: at least)"), validators=[Optional()])
    max_attempts = IntegerField(_l("Attempts allowed (empty: no limit)"), validators=[Optional(), NumberRange(1)])
    time_limit_minutes = IntegerField(_l("Time limit in minutes (empty: none)"),
                                      validators=[Optional(), NumberRange(1)])
    wait_minutes = IntegerField(_l("Wait between attempts in minutes"), validators=[Optional(), NumberRange(0)])
    review = SelectField(_l("After an attempt, learners see"),
                         choices=options([("full", _l("their answers and the explanations")),
                                          ("score_only", _l("their score only"))]))
    question_order = TextAreaField(_l("Order of the questions"), validators=[Optional()])
    base = HiddenField(validators=[DataRequired()])

    def validate_draw_rules(self, field: Any) -> None:
        for line in (field.data or "").splitlines():
            if line.strip() and not re.fullmatch(r"\s*[a-z0-9][a-z0-9-]*\s*:\s*\d+\s*", line):
                raise ValidationError(_l("Write each rule as: tag: number, e.g. permits: 2."))

    def settings(self) -> dict[str, Any]:
        rules = [{"tag": tag.strip(), "at_least": int(number)}
                 for tag, number in (line.split(":") for line in (self.draw_rules.data or "").splitlines()
                                     if line.strip())]
        return {"pass_mark": float(self.pass_mark.data), "draw": self.draw.data, "draw_rules": rules,
                "max_attempts": self.max_attempts.data, "time_limit_minutes": self.time_limit_minutes.data,
                "wait_minutes": self.wait_minutes.data, "review": self.review.data}


class AddQuestionForm(FlaskForm):
    question_id = StringField(_l("Question id"), validators=[DataRequired(), Length(max=64), _slug])
    kind = SelectField(_l("Kind"), choices=options((kind, KIND_LABELS[kind]) for kind in QUESTION_KINDS))


class QuestionForm(FlaskForm):
    """A question's structure; which fields count depends on its kind (see `spec`)."""

    points = DecimalField(_l("Points"), places=None, validators=[Optional(), NumberRange(Decimal("0.01"))])
    tags = StringField(_l("Tags (for draw rules)"), validators=[Optional()])
    choices = TextAreaField(_l("Choice ids, one a line"), validators=[Optional()])
    image_choices = TextAreaField(_l("Choices, one a line: id = image name"), validators=[Optional()])
    correct = StringField(_l("Correct answer"), validators=[Optional()])
    correct_bool = SelectField(_l("Correct answer"), choices=options([("true", _l("True")), ("false", _l("False"))]))
    scoring = SelectField(_l("Scoring"), choices=options([("partial", _l("Partial credit")),
                                                          ("all_or_nothing", _l("All or nothing"))]))
    items = TextAreaField(_l("Item ids, one a line"), validators=[Optional()])
    targets = TextAreaField(_l("Target ids, one a line (extra targets are distractors)"), validators=[Optional()])
    pairs = TextAreaField(_l("Correct pairs, one a line: item = target"), validators=[Optional()])
    steps = TextAreaField(_l("Step ids in the right order, one a line"), validators=[Optional()])
    number = DecimalField(_l("Correct number"), places=None, validators=[Optional()])
    tolerance = DecimalField(_l("Tolerance (±)"), places=None, validators=[Optional(), NumberRange(0)])
    image = SelectField(_l("Image"), choices=[], validate_choice=False)
    regions = TextAreaField(_l("Regions, one a line: id rect x y width height, or id polygon x1 y1 x2 y2 …"),
                            validators=[Optional()])
    base = HiddenField(validators=[DataRequired()])

    def spec(self, kind: str) -> dict[str, Any] | None:
        """The structure the form describes, or None after adding the field errors."""
        spec: dict[str, Any] = {}
        if self.points.data is not None and self.points.data != 1:
            spec["points"] = float(self.points.data)
        tags = id_list(self.tags.data)
        if tags:
            spec["tags"] = tags
        try:
            spec.update(getattr(self, f"_{kind}")())
        except ValidationError as error:
            field, message = error.args
            field.errors = [*field.errors, message]
            return None
        bad = [value for value in _ids_in(spec) if not is_slug(value)]
        if bad:
            self.base.errors = [_l("Every id must use lower-case letters, digits and hyphens: %(ids)s",
                                   ids=", ".join(bad))]
            return None
        return spec

    def _single_choice(self) -> dict[str, Any]:
        return {"choices": id_list(self.choices.data), "correct": self.correct.data.strip()}

    def _multiple_response(self) -> dict[str, Any]:
        return {"scoring": self.scoring.data, "choices": id_list(self.choices.data),
                "correct": id_list(self.correct.data)}

    def _true_false(self) -> dict[str, Any]:
        return {"correct": self.correct_bool.data == "true"}

    def _matching(self) -> dict[str, Any]:
        pairs = {}
        for line in (self.pairs.data or "").splitlines():
            if line.strip():
                item, sep, target = line.partition("=")
                if not sep:
                    raise ValidationError(self.pairs, _l("Write each pair as: item = target."))
                pairs[item.strip()] = target.strip()
        return {"items": id_list(self.items.data), "targets": id_list(self.targets.data), "correct": pairs}

    def _ordering(self) -> dict[str, Any]:
        return {"correct": id_list(self.steps.data)}

    def _numeric(self) -> dict[str, Any]:
        if self.number.data is None:
            raise ValidationError(self.number, _l("Give the correct number."))
        return {"correct": float(self.number.data), "tolerance": float(self.tolerance.data or 0)}

    def _image_choice(self) -> dict[str, Any]:
        choices = {}
        for line in (self.image_choices.data or "").splitlines():
            if line.strip():
                choice, sep, image = line.partition("=")
                if not sep:
                    raise ValidationError(self.image_choices, _l("Write each choice as: id = image name."))
                choices[choice.strip()] = image.strip()
        return {"choices": choices, "correct": self.correct.data.strip()}

    def _hotspot(self) -> dict[str, Any]:
        regions = []
        for line in (self.regions.data or "").splitlines():
            if not line.strip():
                continue
            parts = line.replace(",", " ").split()
            try:
                numbers = [float(n) for n in parts[2:]]
            except ValueError:
                raise ValidationError(self.regions, _l("Coordinates must be numbers.")) from None
            numbers = [int(n) if n.is_integer() else n for n in numbers]
            if len(parts) >= 2 and parts[1] == "rect" and len(numbers) == 4:
                regions.append({"id": parts[0], "rect": numbers})
            elif len(parts) >= 2 and parts[1] == "polygon" and len(numbers) >= 6 and len(numbers) % 2 == 0:
                regions.append({"id": parts[0], "polygon": [numbers[i:i + 2] for i in range(0, len(numbers), 2)]})
            else:
                raise ValidationError(self.regions, _l("Write each region as: id rect x y width height, "
                                                       "or id polygon x1 y1 x2 y2 x3 y3 …"))
        return {"image": self.image.data or "", "regions": regions, "correct": id_list(self.correct.data)}

    def fill(self, spec: dict[str, Any]) -> None:
        """Show a question's structure in the form."""
        self.points.data = Decimal(str(spec.get("points", 1)))
        self.tags.data = ", ".join(spec.get("tags", []))
        kind, correct = spec["kind"], spec.get("correct")
        if kind in ("single_choice", "multiple_response"):
            self.choices.data = "\n".join(spec["choices"])
            self.correct.data = ", ".join(correct) if isinstance(correct, list) else str(correct or "")
            self.scoring.data = spec.get("scoring", "partial")
        elif kind == "true_false":
            self.correct_bool.data = "true" if correct else "false"
        elif kind == "matching":
            self.items.data, self.targets.data = "\n".join(spec["items"]), "\n".join(spec["targets"])
            self.pairs.data = "\n".join(f"{item} = {target}" for item, target in spec["correct"].items())
        elif kind == "ordering":
            self.steps.data = "\n".join(spec["correct"])
        elif kind == "numeric":
            self.number.data, self.tolerance.data = Decimal(str(correct)), Decimal(str(spec["tolerance"]))
        elif kind == "image_choice":
            self.image_choices.data = "\n".join(f"{c} = {image}" for c, image in spec["choices"].items())
            self.correct.data = str(correct or "")
        elif kind == "hotspot":
            self.image.data = spec.get("image", "")
            self.regions.data = "\n".join(_region_line(region) for region in spec["regions"])
            self.correct.data = ", ".join(correct or [])


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _region_line(region: dict[str, Any]) -> str:
    if "rect" in region:
        return f"{region['id']} rect " + " ".join(_number(n) for n in region["rect"])
    return f"{region['id']} polygon " + " ".join(_number(n) for point in region["polygon"] for n in point)


def _ids_in(spec: dict[str, Any]) -> list[str]:
    ids = list(spec.get("tags", []))
    for key in ("choices", "items", "targets"):
        value = spec.get(key, [])
        ids += list(value)
    if spec.get("kind") == "ordering" or isinstance(spec.get("correct"), list):
        ids += [value for value in spec.get("correct", []) if isinstance(value, str)]
    ids += [region["id"] for region in spec.get("regions", [])]
    return ids


class AddCaseForm(FlaskForm):
    case_id = StringField(_l("Case id"), validators=[DataRequired(), Length(max=64), _slug])


class CaseForm(FlaskForm):
    questions = StringField(_l("Its questions, in order"), validators=[Optional()])
    media = SelectMultipleField(_l("Its images"), choices=[], validate_choice=False)
    base = HiddenField(validators=[DataRequired()])


class UploadForm(FlaskForm):
    file = FileField(_l("Photo (JPEG, PNG or WebP)"), validators=[FileRequired()])
    language = SelectField(_l("For"), choices=options([("", _l("every language (no words in the image)")),
                                                        *LANGUAGE_LABELS.items()]))


class ConfirmForm(FlaskForm):
    key = HiddenField(validators=[DataRequired()])
    lang = HiddenField(validators=[DataRequired()])


class PublishForm(FlaskForm):
    confirm_incomplete = BooleanField(_l("Publish anyway: the incomplete languages are left out of this version"))


class ImportForm(FlaskForm):
    file = FileField(_l("Question bank file"), validators=[FileRequired()])
    bank_format = SelectField(_l("Format"), choices=options([("gift", "GIFT"), ("moodle-xml", "Moodle XML")]))
    module = SelectField(_l("Add the questions to the quiz of module"), choices=[], validate_choice=False,
                         validators=[DataRequired()])
    language = SelectField(_l("Language of the questions"), choices=options(LANGUAGE_LABELS.items()))
    dry_run = BooleanField(_l("Only show what would be imported"))


class EditorForm(FlaskForm):
    email = StringField(_l("Trainer's e-mail"), validators=[DataRequired(), Email(check_deliverability=False)])


class SettingsForm(FlaskForm):
    require_complete = BooleanField(_l("Refuse to publish a course while a language is incomplete"))


def texts_form(fields: list[doc.Field], markdown_rows: int = 6) -> type[FlaskForm]:
    """A form class with one field per text and language, and the hash of each text as shown."""
    attributes: dict[str, Any] = {}
    for item in fields:
        for lang in doc.LANGUAGES:
            if item.is_markdown:
                attributes[f"{item.name}_{lang}"] = TextAreaField(LANGUAGE_LABELS[lang], validators=[Optional()],
                                                                  render_kw={"rows": markdown_rows, "lang": lang})
            else:
                attributes[f"{item.name}_{lang}"] = StringField(LANGUAGE_LABELS[lang],
                                                                validators=[Optional(), Length(max=2000)],
                                                                render_kw={"lang": lang})
            attributes[f"{item.name}_{lang}_base"] = HiddenField(validators=[DataRequired()])
    return type("TextsForm", (FlaskForm,), attributes)
