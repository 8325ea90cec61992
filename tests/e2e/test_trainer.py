"""The trainer's journey in each language's interface: change a lesson's French text and see the Spanish
marked for review, upload a photo and draw a hotspot on it, preview the lesson as a learner, publish."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
import yaml
from PIL import Image

from tests.e2e.browsing import t
from tests.e2e.conftest import LANGS, ROOT, Server
from tests.e2e.seed import TRAINER_COURSES, email

#: what the trainer adds to the lesson in English (the source) and French, per interface language
ADDED = {"en": ("Check the seal before you open the cylinder.", "Vérifiez le scellé avant d'ouvrir la bouteille."),
         "fr": ("Photograph the label first.", "Photographiez d'abord l'étiquette."),
         "es": ("Write down the serial number.", "Notez le numéro de série.")}
ALT = {"en": "Cylinders seized at a land border", "fr": "Bouteilles saisies à un poste frontalier terrestre",
       "es": "Cilindros decomisados en un cruce fronterizo terrestre"}


def _first_lesson_and_hotspot(slug: str) -> tuple[str, str, str]:
    """The course's first lesson, and the first hotspot question of its quizzes (quiz id, question id)."""
    package = ROOT / "courses" / slug
    course = yaml.safe_load((package / "course.yaml").read_text(encoding="utf-8"))
    for module in course["modules"]:
        quiz = yaml.safe_load((package / "quizzes" / f"{module['quiz']}.yaml").read_text(encoding="utf-8"))
        for question in quiz["questions"]:
            if question["kind"] == "hotspot":
                return course["modules"][0]["lessons"][0], module["quiz"], question["id"]
    raise AssertionError(f"{slug} has no hotspot question")


def _photo(folder: Path, lang: str) -> Path:
    """A JPEG like a seizure photo: large enough for every region the shipped question already has."""
    noise = random.Random(lang)
    picture = Image.new("RGB", (1000, 1000), (90, 110, 95))
    pixels = picture.load()
    for x in range(0, 1000, 4):
        for y in range(0, 1000, 4):
            shade = noise.randrange(60, 200)
            pixels[x, y] = (shade, shade - 20, shade - 40)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    path = folder / f"seizure-{lang}.jpg"
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize("lang", LANGS)
def test_trainer_edits_french_uploads_draws_previews_and_publishes(new_context, sign_in, server: Server, lang,
                                                                  tmp_path: Path):
    slug = TRAINER_COURSES[lang]
    lesson, quiz, question = _first_lesson_and_hotspot(slug)
    page = new_context(lang).new_page()
    sign_in(page, email("trainer", lang), lang)
    page.get_by_role("link", name=t(lang, "Course authoring")).click()
    page.locator(f'a[href$="/authoring/courses/{slug}"]').first.click()

    # The lesson changes in English (the source) and French together: the Spanish now needs review.
    page.locator(f'a[href$="/authoring/courses/{slug}/lessons/{lesson}"]').first.click()
    english_added, french_added = ADDED[lang]
    for code, added in (("en", english_added), ("fr", french_added)):
        body = page.locator(f'textarea[lang="{code}"]').first
        body.fill(body.input_value().rstrip() + "\n\n" + added + "\n")
    page.get_by_role("button", name=t(lang, "Save the texts")).click()

    def status(code: str):
        return page.locator(f"#{page.locator(f'textarea[lang={code}]').first.get_attribute('id')}-status")

    assert status("es").inner_text() == t(lang, "Needs review")
    assert "status-needs_review" in status("es").get_attribute("class")
    assert status("fr").inner_text() == t(lang, "Complete")
    page.get_by_role("link", name=t(lang, "Translations"), exact=True).click()
    assert page.get_by_text(t(lang, "Needs review")).count() >= 1

    # A photo, described in the three languages.
    page.get_by_role("link", name=t(lang, "Images"), exact=True).click()
    page.locator("#file").set_input_files(_photo(tmp_path, lang))
    page.get_by_role("button", name=t(lang, "Upload")).click()
    assert page.locator(".flash-success").count() == 1, page.locator("main").inner_text()[:500]
    for code in LANGS:
        for field in page.locator(f'.texts-form input[lang="{code}"]').all():
            if not field.input_value():
                field.fill(ALT[code])
    page.get_by_role("button", name=t(lang, "Save the texts")).click()
    uploaded = page.locator("ul.image-list code").filter(has_text="seizure").first.inner_text().removeprefix("media/")

    # The hotspot question takes the photo, and a region is drawn on it with the mouse.
    page.goto(server(f"/authoring/courses/{slug}/quizzes/{quiz}/questions/{question}"))
    page.locator("#image").select_option(uploaded)
    page.get_by_role("button", name=t(lang, "Save the structure")).click()
    editor = page.locator(".hotspot-editor svg")
    editor.scroll_into_view_if_needed()
    box = editor.bounding_box()
    regions_before = page.locator("#regions").input_value().strip().count("\n") + 1
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.6)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.75, steps=6)
    page.mouse.up()
    regions = page.locator("#regions").input_value().strip().splitlines()
    assert len(regions) == regions_before + 1
    name, shape, *numbers = regions[-1].split()
    width = int(page.locator(".hotspot-editor").get_attribute("data-width"))
    assert shape == "rect" and abs(int(numbers[0]) - 0.6 * width) <= 0.02 * width, regions[-1]
    assert abs(int(numbers[2]) - 0.2 * width) <= 0.02 * width, regions[-1]
    page.get_by_role("button", name=t(lang, "Save the structure")).click()
    assert page.locator("#regions").input_value().strip().splitlines()[-1] == regions[-1]
    for code in LANGS:  # the new region's label, in each language
        for field in page.locator(f'.texts-form input[lang="{code}"]').all():
            if not field.input_value():
                field.fill(f"{name} ({code})")
    page.get_by_role("button", name=t(lang, "Save the texts")).click()

    # The trainer previews the lesson as a French-speaking learner sees it.
    page.goto(server(f"/authoring/courses/{slug}/lessons/{lesson}"))
    page.locator(f'a[href$="/preview/fr/lessons/{lesson}"]').click()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("article.lesson").get_by_text(french_added).is_visible()

    # Publishing, with the Spanish still to review: the trainer confirms, and learners get it at once.
    page.goto(server(f"/authoring/courses/{slug}/publish?lang={lang}"))
    page.locator("#confirm_incomplete").check()
    page.get_by_role("button", name=t(lang, "Publish now")).click()
    version = yaml.safe_load((ROOT / "courses" / slug / "course.yaml").read_text(encoding="utf-8"))["version"] + 1
    published = t(lang, "Version %(version)d is published: learners see it now.", version=version)
    assert page.locator(".flash-success").inner_text() == published
    page.goto(server(f"/courses/{slug}/lessons/{lesson}?lang=fr"))
    assert page.locator("article.lesson").get_by_text(french_added).is_visible()
