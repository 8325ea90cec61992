"""One test per validation rule: corrupt a copy of the demo course one way, expect one exact problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from training_app.content import Problem, validate_paths

from .conftest import FIXTURE, edit

CYLINDERS = Path("quizzes/check-cylinders.yaml")
PAPERWORK = Path("quizzes/check-paperwork.yaml")


def problems(course: Path) -> list[str]:
    return [str(problem) for problem in validate_paths([course])]


def test_demo_course_has_no_problems():
    assert validate_paths([FIXTURE]) == []


def test_problem_reads_as_path_line_message():
    assert str(Problem(Path("a/b.yaml"), 3, "bad")) == "a/b.yaml:3: bad"


# --- files and syntax


def test_yaml_syntax_error_names_the_parser_line(course):
    line = edit(course / "course.yaml", "topic: ods", "topic: [ods")
    found = problems(course)
    assert len(found) == 1
    assert found[0].startswith(f"{course}/course.yaml:")
    assert "YAML syntax error" in found[0]
    assert int(found[0].split(":")[1]) >= line


def test_duplicate_yaml_key(course):
    line = edit(course / "course.yaml", "topic: ods\n", "topic: ods\ntopic: timber\n")
    assert problems(course) == [f"{course}/course.yaml:{line + 1}: duplicate key 'topic'"]


def test_missing_course_yaml(course):
    (course / "course.yaml").unlink()
    assert problems(course) == [f"{course}/course.yaml:1: file is missing"]


def test_front_matter_missing(course):
    edit(course / "fr/lessons/valves.md", "---\ntitle: Robinets et raccords\n---\n", "")
    assert problems(course) == [
        f"{course}/fr/lessons/valves.md:1: the file must start with front matter: a '---' line, YAML, then '---'"
    ]


def test_front_matter_not_closed(course):
    edit(course / "es/lessons/valves.md", "title: Válvulas y conexiones\n---\n", "title: Válvulas y conexiones\n")
    assert problems(course) == [f"{course}/es/lessons/valves.md:1: the front matter is not closed by a '---' line"]


def test_front_matter_syntax_error_counts_the_opening_line(course):
    line = edit(course / "en/lessons/permits.md", "summary: Every", "summary: : Every: x")
    found = problems(course)
    assert len(found) == 1
    assert found[0].startswith(f"{course}/en/lessons/permits.md:{line}: YAML syntax error")


def test_file_that_is_not_utf8(course):
    (course / "fr/lessons/valves.md").write_bytes("---\ntitle: Robinets\n---\nCafé\n".encode("latin-1"))
    assert problems(course) == [f"{course}/fr/lessons/valves.md:4: the file is not UTF-8 text"]


# --- keys and types


def test_unknown_key(course):
    line = edit(course / "course.yaml", "version: 2\n", "version: 2\nauthor: me\n")
    assert problems(course) == [
        f"{course}/course.yaml:{line + 1}: unknown key 'author' (expected: slug, version, topic, languages, "
        "estimated_minutes, certificate_validity_months, last_verified_on, sources, modules)"
    ]


def test_missing_required_key_names_the_mapping_line(course):
    line = edit(course / "course.yaml", "  - id: paperwork\n    lessons: [permits]\n", "  - id: paperwork\n")
    assert problems(course) == [f"{course}/course.yaml:{line}: missing key 'lessons' in 'modules[paperwork]'"]


def test_missing_top_level_key(course):
    edit(course / "course.yaml", "version: 2\n", "")
    assert problems(course) == [f"{course}/course.yaml:1: missing key 'version'"]


def test_wrong_value_type(course):
    line = edit(course / "course.yaml", "version: 2", "version: two")
    assert problems(course) == [
        f"{course}/course.yaml:{line}: 'version' must be a whole number of at least 1 (found 'two')"
    ]


def test_number_where_text_is_expected_suggests_quotes(course):
    line = edit(course / "en/lessons/valves.md", "title: Valves and fittings", "title: 1998")
    assert problems(course) == [
        f"{course}/en/lessons/valves.md:{line}: 'title' must be non-empty text (found 1998): "
        "YAML reads it as a number, date or true/false, so put it in quotes"
    ]


def test_comma_in_flow_mapping_suggests_quotes(course):
    line = edit(course / "en/quizzes/check-cylinders.yaml", '"Right: start with the label."', "Right, start here.")
    assert problems(course) == [
        f"{course}/en/quizzes/check-cylinders.yaml:{line}: unknown key 'start here.' in "
        "'questions.first-look.choices.label' (expected: text, feedback); "
        "if this is text after a comma inside { }, put the whole text in quotes"
    ]


def test_wrong_topic(course):
    line = edit(course / "course.yaml", "topic: ods", "topic: ozone")
    assert problems(course) == [
        f"{course}/course.yaml:{line}: 'topic' must be one of wildlife, timber, ods, hazardous_waste, chemicals, "
        "cross_cutting (found 'ozone')"
    ]


def test_english_must_be_first(course):
    line = edit(course / "course.yaml", "languages: [en, fr, es]", "languages: [fr, en, es]")
    assert problems(course) == [f"{course}/course.yaml:{line}: the first language must be 'en', the source language"]


# --- ids


def test_slug_must_equal_folder_name(course):
    line = edit(course / "course.yaml", "slug: demo-course", "slug: other-course")
    assert problems(course) == [
        f"{course}/course.yaml:{line}: slug 'other-course' must equal the folder name 'demo-course'"
    ]


def test_id_must_match_the_slug_rule(course):
    line = edit(course / CYLINDERS, "  - id: red-flags", "  - id: Red_Flags")
    assert problems(course) == [
        f"{course}/{CYLINDERS}:{line}: 'questions[Red_Flags].id': 'Red_Flags' is not a valid id: use lowercase "
        "letters, digits and hyphens (at most 64 characters)"
    ]


def test_yes_no_ids_are_explained(course):
    line = edit(course / CYLINDERS, "choices: [label, valve, colour]", "choices: [label, valve, no]")
    assert (
        f"{course}/{CYLINDERS}:{line}: 'questions[first-look].choices[3]': false is read as true/false, not an "
        "id: quote it or choose another id" in problems(course)
    )


def test_duplicate_module_id(course):
    line = edit(course / "course.yaml", "  - id: paperwork", "  - id: cylinders")
    assert f"{course}/course.yaml:{line}: duplicate module id 'cylinders'" in problems(course)


def test_duplicate_question_id(course):
    line = edit(course / CYLINDERS, "  - id: colour-is-proof", "  - id: first-look")
    assert f"{course}/{CYLINDERS}:{line}: duplicate question id 'first-look'" in problems(course)


def test_lesson_in_two_modules(course):
    line = edit(course / "course.yaml", "lessons: [permits]", "lessons: [permits, labels]")
    assert problems(course) == [f"{course}/course.yaml:{line}: lesson 'labels' is already in module 'cylinders'"]


def test_duplicate_choice_id(course):
    line = edit(course / CYLINDERS, "choices: [label, valve, colour]", "choices: [label, valve, label]")
    assert f"{course}/{CYLINDERS}:{line}: 'questions[first-look].choices' lists 'label' twice" in problems(course)


# --- ids that must resolve


def test_lesson_file_missing_in_one_language(course):
    (course / "fr/lessons/valves.md").unlink()
    assert problems(course) == [
        f"{course}/fr/lessons/valves.md:1: file is missing: lesson 'valves' is in course.yaml (line 17)"
    ]


def test_extra_lesson_file(course):
    shutil.copy(course / "en/lessons/valves.md", course / "en/lessons/hoses.md")
    assert problems(course) == [f"{course}/en/lessons/hoses.md:1: lesson 'hoses' is not in course.yaml"]


def test_quiz_file_missing(course):
    (course / PAPERWORK).unlink()
    line = 21  # `quiz: check-paperwork` in course.yaml
    assert problems(course) == [
        f"{course}/course.yaml:{line}: quiz 'check-paperwork' has no file quizzes/check-paperwork.yaml"
    ]


def test_extra_quiz_file(course):
    shutil.copy(course / PAPERWORK, course / "quizzes/spare.yaml")
    assert problems(course) == [f"{course}/quizzes/spare.yaml:1: quiz 'spare' is not in course.yaml"]


def test_case_question_that_does_not_exist(course):
    line = edit(course / PAPERWORK, "questions: [declared-goods, next-step]", "questions: [declared-goods, next]")
    assert problems(course) == [
        f"{course}/{PAPERWORK}:{line}: case 'battery-truck' lists question 'next', which is not in 'questions'"
    ]


def test_correct_choice_that_does_not_exist(course):
    line = edit(course / CYLINDERS, "correct: label", "correct: lid")
    assert problems(course) == [
        f"{course}/{CYLINDERS}:{line}: 'correct' is 'lid', which is not one of the choices (label, valve, colour)"
    ]


def test_hotspot_correct_region_that_does_not_exist(course):
    line = edit(course / CYLINDERS, "correct: [refrigerant-name]", "correct: [name]")
    assert problems(course) == [f"{course}/{CYLINDERS}:{line}: 'name' in 'correct' is not one of the regions"]


def test_draw_rule_tag_without_enough_questions(course):
    line = edit(course / PAPERWORK, "{tag: permits, at_least: 1}", "{tag: permits, at_least: 3}")
    assert problems(course) == [
        f"{course}/{PAPERWORK}:{line}: the draw rule for tag 'permits' asks for 3 question(s) but only 2 have that tag"
    ]


def test_media_file_missing_for_image_choice(course):
    line = edit(course / CYLINDERS, "b: cyl-b.png", "b: cyl-c.png")
    assert problems(course) == [f"{course}/{CYLINDERS}:{line}: image 'cyl-c.png' is not in media/"]


def test_media_file_missing_for_lesson_image(course):
    (course / "media/cylinder-label.png").unlink()
    found = problems(course)
    for language in ("en", "fr", "es"):
        assert (
            f"{course}/{language}/lessons/labels.md:8: image 'media/cylinder-label.png' is not in media/ "
            f"or {language}/media/" in found
        )


def test_lesson_image_outside_media(course):
    line = edit(course / "en/lessons/labels.md", "(media/cylinder-label.png)", "(https://example.org/x.png)")
    assert problems(course) == [
        f"{course}/en/lessons/labels.md:{line}: image 'https://example.org/x.png' must be a file in media/, "
        "written media/<file name>"
    ]


def test_image_pillow_cannot_open(course):
    (course / "media/cyl-a.png").write_bytes(b"not a png")
    found = problems(course)
    assert len(found) == 1
    assert found[0].startswith(f"{course}/media/cyl-a.png:1: Pillow cannot open this image")


def test_per_language_image_missing_in_one_language(course):
    (course / "es/media/permit-sample.png").unlink()
    line = edit(course / "es/lessons/permits.md", "![", "![")
    assert problems(course) == [
        f"{course}/es/lessons/permits.md:{line}: image 'media/permit-sample.png' is not in media/ or es/media/",
        f"{course}/es/media/permit-sample.png:1: file is missing: en/media/permit-sample.png has no 'es' version",
    ]


# --- translations


def test_language_folder_missing(course):
    shutil.rmtree(course / "es")
    assert problems(course) == [f"{course}/es:1: folder is missing: course.yaml lists language 'es'"]


def test_language_folder_not_in_languages(course):
    shutil.copytree(course / "es", course / "de")
    assert problems(course) == [f"{course}/de:1: folder 'de' is not one of the course's languages (en, fr, es)"]


def test_translation_missing_key(course):
    text = "    explanation: Cylinder B is plain green.\n"
    line = edit(course / "en/quizzes/check-cylinders.yaml", text, "")
    assert problems(course) == [
        f"{course}/en/quizzes/check-cylinders.yaml:{line - 2}: missing key 'explanation' in 'questions.which-cylinder'"
    ]


def test_translation_missing_question(course):
    line = edit(course / "fr/quizzes/check-paperwork.yaml", "  co2e:\n", "  co2:\n")
    questions_line = edit(course / "fr/quizzes/check-paperwork.yaml", "questions:\n", "questions:\n")
    assert problems(course) == [
        f"{course}/fr/quizzes/check-paperwork.yaml:{questions_line}: missing key 'co2e' in 'questions'",
        f"{course}/fr/quizzes/check-paperwork.yaml:{line}: unknown key 'co2' in 'questions' (expected: "
        "match-treaty, inspection-steps, co2e, declared-goods, next-step)",
    ]


def test_translation_extra_key(course):
    line = edit(
        course / "es/course.md",
        "    title: Permisos y documentos\n",
        "    title: Permisos y documentos\n    note: nada\n",
    )
    assert problems(course) == [
        f"{course}/es/course.md:{line + 1}: unknown key 'note' in 'modules.paperwork' (expected: title, summary)"
    ]


def test_translation_missing_optional_key_that_english_has(course):
    line = edit(course / "fr/quizzes/check-cylinders.yaml", ", feedback: Celle-ci a une bande rouge.", "")
    assert problems(course) == [
        f"{course}/fr/quizzes/check-cylinders.yaml:{line}: missing key 'feedback' in "
        "'questions.which-cylinder.choices.a' (en has one)"
    ]


def test_translation_extra_optional_key_that_english_lacks(course):
    line = edit(
        course / "es/lessons/valves.md",
        "title: Válvulas y conexiones\n",
        "title: Válvulas y conexiones\nsummary: Resumen.\n",
    )
    assert problems(course) == [f"{course}/es/lessons/valves.md:{line + 1}: extra key 'summary' (en has none)"]


def test_empty_lesson_body(course):
    (course / "fr/lessons/valves.md").write_text("---\ntitle: Robinets\n---\n", encoding="utf-8")
    assert problems(course) == [f"{course}/fr/lessons/valves.md:4: the lesson has no text after its front matter"]


# --- alt text


def test_empty_alt_text_in_lesson_image(course):
    line = edit(
        course / "fr/lessons/labels.md", "![Une étiquette de bouteille pâle traversée d'une bande verte]", "![ ]"
    )
    assert problems(course) == [
        f"{course}/fr/lessons/labels.md:{line}: image 'media/cylinder-label.png' has no alt text: describe the image"
    ]


def test_empty_alt_text_in_image_choice(course):
    line = edit(course / "es/quizzes/check-cylinders.yaml", "b: {alt: Un cilindro verde liso}", "b: {alt: ''}")
    assert problems(course) == [
        f"{course}/es/quizzes/check-cylinders.yaml:{line}: 'questions.which-cylinder.choices.b.alt' must be "
        "non-empty text (found '')"
    ]


def test_empty_hotspot_image_alt(course):
    line = edit(course / "en/quizzes/check-cylinders.yaml", "image_alt: A refrigerant cylinder label", "image_alt:")
    assert problems(course) == [
        f"{course}/en/quizzes/check-cylinders.yaml:{line}: 'questions.find-name.image_alt' must be non-empty text "
        "(found an empty value)"
    ]


def test_empty_case_media_alt(course):
    line = edit(
        course / "fr/quizzes/check-paperwork.yaml",
        "truck-load.png: Des palettes de batteries de voiture empilées sur un camion plateau",
        "truck-load.png: ' '",
    )
    assert problems(course) == [
        f"{course}/fr/quizzes/check-paperwork.yaml:{line}: 'cases.battery-truck.media_alt.truck-load.png' must be "
        "non-empty text (found ' ')"
    ]


# --- Markdown rules


def test_raw_html_heading_level_and_unknown_block_in_lesson(course):
    path = course / "en/lessons/valves.md"
    line = edit(path, "## Why the valve matters\n", "# Why\n\n<div>x</div>\n\n::: warning\nCareful.\n:::\n")
    assert problems(course) == [
        f"{path}:{line}: use headings of level 2 to 4 (## to ####): level 1 is the title",
        f"{path}:{line + 2}: raw HTML is not allowed (it is removed when shown)",
        f"{path}:{line + 4}: unknown block '::: warning' (use ::: key-points or ::: reference-card)",
    ]


# --- questions that cannot be graded


@pytest.mark.parametrize(
    ("quiz", "old", "new", "message"),
    [
        (
            CYLINDERS,
            "correct: [new-cylinder, blend-name]",
            "correct: []",
            "'questions[red-flags].correct' must have at least 1 item(s)",
        ),
        (
            CYLINDERS,
            "correct: [new-cylinder, blend-name]",
            "correct: [new-cylinder, lid]",
            "'lid' in 'correct' is not one of the choices",
        ),
        (
            CYLINDERS,
            "correct: false",
            "correct: maybe",
            "'questions[colour-is-proof].correct' must be true or false (found 'maybe')",
        ),
        (
            CYLINDERS,
            "choices: [label, valve, colour]",
            "choices: [label]",
            "'questions[first-look].choices' must have at least 2 item(s)",
        ),
        (
            PAPERWORK,
            "correct: {cfc-12: annex-a, hfc-134a: annex-f}",
            "correct: {cfc-12: annex-a}",
            "item 'hfc-134a' has no target in 'correct'",
        ),
        (
            PAPERWORK,
            "correct: {cfc-12: annex-a, hfc-134a: annex-f}",
            "correct: {cfc-12: annex-a, hfc-134a: annex-z}",
            "'annex-z' in 'correct' is not one of the targets",
        ),
        (
            PAPERWORK,
            "correct: 1.43",
            "correct: about one",
            "'questions[co2e].correct' must be a number (found 'about one')",
        ),
        (
            PAPERWORK,
            "tolerance: 0.01",
            "tolerance: -0.01",
            "'questions[co2e].tolerance' must be a number of at least 0 (found -0.01)",
        ),
        (
            PAPERWORK,
            "correct: [ppe, photograph, sample, seal]",
            "correct: [ppe]",
            "'questions[inspection-steps].correct' must have at least 2 item(s)",
        ),
        (
            CYLINDERS,
            "rect: [40, 60, 200, 30]",
            "rect: [300, 60, 200, 30]",
            "region 'refrigerant-name' lies outside the image (400×200 pixels)",
        ),
        (
            CYLINDERS,
            "rect: [40, 60, 200, 30]",
            "rect: [40, 60, 200]",
            "'rect' of region 'refrigerant-name' must be [x, y, width, height]",
        ),
        (
            CYLINDERS,
            "polygon: [[300, 40], [380, 40], [380, 90], [300, 90]]",
            "polygon: [[300, 40], [380, 40]]",
            "'polygon' of region 'un-number' needs at least 3 points",
        ),
        (
            CYLINDERS,
            "polygon: [[300, 40], [380, 40], [380, 90], [300, 90]]",
            "polygon: [[300, 40], [380, 40], [380, 290]]",
            "region 'un-number' lies outside the image (400×200 pixels)",
        ),
        (CYLINDERS, "pass_mark: 0.8", "pass_mark: 80", "'pass_mark' must be a number above 0 and at most 1 (found 80)"),
        (CYLINDERS, "pass_mark: 0.8", "pass_mark: 0", "'pass_mark' must be a number above 0 and at most 1 (found 0)"),
        (PAPERWORK, "draw: 4", "draw: 6", "'draw' is 6 but the quiz has only 5 question(s)"),
        (
            CYLINDERS,
            "    kind: true_false",
            "    kind: yes_no",
            "'questions[colour-is-proof].kind' must be one of single_choice, multiple_response, true_false, matching, "
            "ordering, numeric, image_choice, hotspot (found 'yes_no')",
        ),
        (
            CYLINDERS,
            "    points: 2\n",
            "    points: 0\n",
            "'questions[red-flags].points' must be a number above 0 (found 0)",
        ),
    ],
)
def test_question_that_cannot_be_graded(course, quiz, old, new, message):
    line = edit(course / quiz, old, new)
    assert f"{course}/{quiz}:{line}: {message}" in problems(course)


def test_hotspot_region_with_both_shapes(course):
    line = edit(
        course / CYLINDERS,
        "{id: refrigerant-name, rect: [40, 60, 200, 30]}",
        "{id: refrigerant-name, rect: [40, 60, 200, 30], polygon: [[1, 1], [2, 2], [3, 1]]}",
    )
    assert problems(course) == [
        f"{course}/{CYLINDERS}:{line}: region 'refrigerant-name' needs exactly one of 'rect' or 'polygon'"
    ]


# --- never a traceback


JUNK = ["", "\x00\xff", "- a\n- b\n", "just text", "a: [", "{a: 1}", "questions: 3\n", "---\n---\n", "&a [*a]"]


@pytest.mark.parametrize("junk", JUNK)
def test_any_file_replaced_by_junk_gives_problems_not_tracebacks(course, junk):
    files = sorted(path for path in course.rglob("*") if path.is_file())
    for path in files:
        original = path.read_bytes()
        path.write_bytes(junk.encode("utf-8", "surrogateescape") if junk != "\x00\xff" else b"\x00\xff")
        found = validate_paths([course])
        assert found, f"no problem reported for {path} = {junk!r}"
        assert not any("checker failed" in problem.message for problem in found), (path, junk)
        path.write_bytes(original)


def test_recursive_yaml_alias_is_a_problem(course):
    (course / CYLINDERS).write_text("a: &x [*x]\n", encoding="utf-8")
    found = problems(course)
    assert f"{course}/{CYLINDERS}:1: YAML syntax error: an alias refers to itself" in found


def test_every_truncation_of_a_quiz_is_handled(course):
    text = (course / PAPERWORK).read_text(encoding="utf-8")
    for end in range(0, len(text), 7):
        (course / PAPERWORK).write_text(text[:end], encoding="utf-8")
        found = validate_paths([course])
        assert not any("checker failed" in problem.message for problem in found), text[:end]


# --- paths


def test_folder_of_packages(course):
    edit(course / "course.yaml", "version: 2", "version: 0")
    (course.parent / "empty-folder").mkdir()
    assert [str(problem) for problem in validate_paths([course.parent])] == [
        f"{course}/course.yaml:2: 'version' must be a whole number of at least 1 (found 0)",
        f"{course.parent}/empty-folder/course.yaml:1: file is missing",
    ]


def test_path_that_does_not_exist(tmp_path):
    assert [str(p) for p in validate_paths([tmp_path / "nope"])] == [
        f"{tmp_path}/nope:1: not a folder: give a course package or a folder of packages"
    ]
