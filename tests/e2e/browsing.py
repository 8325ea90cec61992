"""What the journeys do in a page: read the app's own translations, answer quiz questions, move by keyboard."""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

import yaml
from babel.support import Translations

from tests.e2e.seed import DEMO_PACKAGE, correct_answers

TRANSLATIONS = Path(__file__).resolve().parents[2] / "training_app" / "translations"


@cache
def _catalog(lang: str) -> Translations:
    return Translations.load(str(TRANSLATIONS), [lang])


def t(lang: str, msgid: str, **params: object) -> str:
    """A message as the application shows it in `lang` (its compiled catalogs)."""
    text = _catalog(lang).gettext(msgid)
    return text % params if params else text


def tn(lang: str, singular: str, plural: str, count: int, **params: object) -> str:
    """A plural message as the application shows it for `count` ({% trans count=… %} or ngettext)."""
    return _catalog(lang).ngettext(singular, plural, count) % {"count": count, "num": count, **params}


def course_text(lang: str, *keys: str) -> str:
    """A text of the demo course's package in one language, e.g. ("title",) or ("lessons", "labels")."""
    if keys[0] == "lessons":
        front = (DEMO_PACKAGE / lang / "lessons" / f"{keys[1]}.md").read_text(encoding="utf-8").split("---")[1]
        return yaml.safe_load(front)["title"]
    front = (DEMO_PACKAGE / lang / "course.md").read_text(encoding="utf-8").split("---")[1]
    return yaml.safe_load(front)[keys[0]]


def number_text(lang: str, value: float) -> str:
    """A number as an officer of this language types it (Canadian French uses a decimal comma)."""
    return str(value).replace(".", ",") if lang == "fr" else str(value)


def questions_on(page) -> list[tuple[str, str]]:
    """(question id, kind) of each question on the current quiz page."""
    return [(fieldset.get_attribute("data-question"), fieldset.get_attribute("data-kind"))
            for fieldset in page.locator("fieldset.question").all()]


def answer(page, question_id: str, kind: str, lang: str, by: str = "mouse") -> None:
    """Give the right answer to one question with the mouse, or with the keyboard alone (focus, Space, arrows)."""
    spec = correct_answers()[question_id]
    correct = spec["correct"]
    name = f"q_{question_id}"
    box = page.locator(f'fieldset[data-question="{question_id}"]')

    def tick(value: str, on: bool = True) -> None:
        control = box.locator(f'input[name="{name}"][value="{value}"]')
        if by == "mouse":
            control.set_checked(on)
        elif control.is_checked() != on:
            control.focus()
            page.keyboard.press("Space")

    def choose(select_name: str, value: str) -> None:
        control = box.locator(f'select[name="{select_name}"]')
        if by == "mouse":
            control.select_option(value)
            return
        values = control.locator("option").evaluate_all("options => options.map(o => o.value)")
        control.focus()
        page.keyboard.press("Home")
        for _ in range(values.index(value)):
            page.keyboard.press("ArrowDown")
        assert control.input_value() == value

    if kind in ("single_choice", "image_choice", "true_false"):
        tick(str(correct).lower() if kind == "true_false" else correct)
    elif kind == "multiple_response":
        for choice in spec["choices"]:
            tick(choice, choice in correct)
    elif kind == "matching":
        for item, target in correct.items():
            choose(f"{name}__{item}", target)
    elif kind == "ordering":
        for position, item in enumerate(correct, 1):
            choose(f"{name}__{item}", str(position))
    elif kind == "numeric":
        field = box.locator(f'input[name="{name}"]')
        if by == "mouse":
            field.fill(number_text(lang, correct))
        else:
            field.focus()
            page.keyboard.type(number_text(lang, correct))
    elif kind == "hotspot" and by == "mouse":
        click_region(page, question_id, correct[0])
    elif kind == "hotspot":
        tick(correct[0])  # the region list, which replaces a click on the image
    else:
        raise AssertionError(f"no way to answer a {kind} question")


def click_region(page, question_id: str, region_id: str) -> None:
    """Click the middle of a region on the hotspot image, wherever the page has scaled it."""
    spec = correct_answers()[question_id]
    region = next(r for r in spec["regions"] if r["id"] == region_id)
    if "rect" in region:
        x, y, w, h = region["rect"]
        centre = (x + w / 2, y + h / 2)
    else:
        points = region["polygon"]
        centre = (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
    hotspot = page.locator(f'fieldset[data-question="{question_id}"] .hotspot')
    width = float(hotspot.get_attribute("data-width"))
    image = hotspot.locator("img")
    image.scroll_into_view_if_needed()
    shown = image.bounding_box()
    scale = shown["width"] / width
    page.mouse.click(shown["x"] + centre[0] * scale, shown["y"] + centre[1] * scale)


def wait_saved(page, lang: str) -> None:
    page.locator("#save-status").filter(has_text=re.compile(f"^{re.escape(t(lang, 'Saved'))}$")).wait_for()


def qr_url(pdf_bytes: bytes) -> str:
    """The address in the certificate's QR code, decoded from the image inside the PDF."""
    import zxingcpp
    from PIL import Image
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf_bytes))
    for image in reader.pages[0].images:
        picture = Image.open(io.BytesIO(image.data)).convert("L")
        # A quiet zone helps the decoder with a code that fills its image.
        framed = Image.new("L", (picture.width + 40, picture.height + 40), 255)
        framed.paste(picture, (20, 20))
        found = zxingcpp.read_barcodes(framed)
        if found:
            return found[0].text
    raise AssertionError("the certificate has no readable QR code")


def focus_is_visible(page) -> bool:
    """The focused element shows a focus indicator (an outline or a ring), as WCAG 2.4.7 asks."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        if (!el || el === document.body) return false;
        const s = getComputedStyle(el);
        return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1) || s.boxShadow !== 'none';
    }""")


def focused_text(page) -> str:
    return page.evaluate("""() => { const el = document.activeElement;
        return (el.getAttribute('aria-label') || el.innerText || el.value || '').trim(); }""")


def tab_to(page, text: str, limit: int = 120) -> None:
    """Press Tab until the element named `text` has focus, checking that each stop shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        assert focus_is_visible(page), f"no visible focus on {focused_text(page)!r} at {page.url}"
        if focused_text(page).startswith(text):
            return
    raise AssertionError(f"Tab never reached {text!r} on {page.url}")


def tab_cycle_ends(page, limit: int = 300) -> int:
    """Tab through the whole page and out of it; returns how many stops it has. Fails on a focus trap."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        where = page.evaluate("() => document.activeElement === document.body ? null : "
                              "document.activeElement.outerHTML.slice(0, 120)")
        if where is None or (seen and where == seen[0]):
            return len(seen)
        seen.append(where)
    raise AssertionError(f"focus never left the page after {limit} Tabs: a trap near {seen[-3:]}")
