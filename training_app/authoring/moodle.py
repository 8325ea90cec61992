"""Moodle question banks (GIFT and Moodle XML) to our questions, and a quiz back to Moodle XML.

Pure functions: no Flask, no database. Parsing gives one `Item` per Moodle question, imported
(our structure and its words in one language) or skipped with a reason code, and where it was.
A file that cannot be read at all raises `BankRefused`; nothing is imported from it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

MAX_BYTES = 2 * 1024 * 1024
MAX_QUESTIONS = 2000

#: why a file is refused as a whole
REFUSALS = ("too_large", "not_utf8", "empty", "xml_doctype", "xml_malformed", "not_moodle_xml", "too_many")
#: why one question is skipped
REASONS = ("short_answer", "essay", "description", "unsupported_type", "cloze", "no_text", "no_correct_answer",
           "too_few_choices", "bad_number", "malformed")


class BankRefused(ValueError):
    """The whole file is refused; `code` is one of REFUSALS."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass
class Item:
    """One Moodle question: imported (`spec` and `words`) or skipped (`reason`)."""

    where: str  # "line 12" (GIFT) or "<question type=…> #3, line 40" (XML)
    moodle_type: str
    name: str
    spec: dict[str, Any] | None = None  # our structure, without `id`
    words: dict[str, Any] | None = None
    reason: str | None = None
    detail: str = ""  # the Moodle type name for unsupported_type
    notes: list[str] = field(default_factory=list)  # "images_dropped", "no_explanation"

    @property
    def is_imported(self) -> bool:
        return self.spec is not None


def _skipped(where: str, moodle_type: str, name: str, reason: str, detail: str = "") -> Item:
    return Item(where, moodle_type, name, reason=reason, detail=detail)


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise BankRefused("too_large")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BankRefused("not_utf8") from None
    if not text.strip():
        raise BankRefused("empty")
    return text


# --- HTML in Moodle texts --------------------------------------------------------------------------


class _Text(HTMLParser):
    """Moodle's HTML as Markdown-ish plain text: paragraphs, lists, bold and italics; images dropped."""

    _BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "ul", "ol", "table"}
    _MARKS = {"strong": "**", "b": "**", "em": "*", "i": "*"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.images = 0
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "img":
            self.images += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n- " if tag == "li" else "\n")
        elif tag in self._MARKS:
            self.parts.append(self._MARKS[tag])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("p", "div", "ul", "ol", "table") or tag.startswith("h"):
            self.parts.append("\n\n")
        elif tag in self._MARKS:
            self.parts.append(self._MARKS[tag])

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(text: str) -> tuple[str, int]:
    """(text, number of images dropped)."""
    parser = _Text()
    parser.feed(text)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    joined = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return joined, parser.images


def _plain(text: str, text_format: str, notes: list[str]) -> str:
    if text_format in ("markdown", "plain_text"):
        return text.strip()
    result, images = html_to_text(text)
    if images and "images_dropped" not in notes:
        notes.append("images_dropped")
    return result


def _name_of(title: str, text: str) -> str:
    return (title or text.split("\n", 1)[0]).strip()[:80]


# --- GIFT ------------------------------------------------------------------------------------------

_GIFT_ESCAPES = {"\\:": ":", "\\~": "~", "\\=": "=", "\\#": "#", "\\{": "{", "\\}": "}", "\\\\": "\\", "\\n": "\n"}
_GIFT_FORMAT = re.compile(r"^\[(html|moodle|plain|markdown)\]", re.IGNORECASE)


def _unescape(text: str) -> str:
    return re.sub(r"\\[:~=#{}\\n]", lambda m: _GIFT_ESCAPES[m.group(0)], text)


def _split_unescaped(text: str, separators: str) -> list[tuple[str, str]]:
    """(separator, piece) pairs: the text split at unescaped characters of `separators`."""
    pieces: list[tuple[str, str]] = []
    current, marker, index = [], "", 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current.append(text[index:index + 2])
            index += 2
            continue
        if char in separators:
            pieces.append((marker, "".join(current)))
            current, marker = [], char
        else:
            current.append(char)
        index += 1
    pieces.append((marker, "".join(current)))
    return pieces


def _find_unescaped(text: str, char: str, start: int = 0) -> int:
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == char:
            return index
        index += 1
    return -1


def parse_gift(data: bytes) -> list[Item]:
    """Every question of a GIFT file, imported or skipped."""
    text = _decode(data)
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("//"):
            continue
        if not line.strip():
            if current:
                blocks.append((start, current))
            current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append((start, current))
    items = [_gift_question(line, "\n".join(lines)) for line, lines in blocks
             if not lines[0].lstrip().startswith("$CATEGORY:")]
    if len(items) > MAX_QUESTIONS:
        raise BankRefused("too_many")
    return items


def _gift_question(line: int, block: str) -> Item:
    where = f"line {line}"
    title = ""
    body = block.strip()
    if body.startswith("::"):
        end = body.find("::", 2)
        if end == -1:
            return _skipped(where, "?", body[:40], "malformed")
        title, body = _unescape(body[2:end]).strip(), body[end + 2:].strip()
    open_at = _find_unescaped(body, "{")
    if open_at == -1:
        return _skipped(where, "description", _name_of(title, _unescape(body)), "description")
    close_at = _find_unescaped(body, "}", open_at)
    if close_at == -1:
        return _skipped(where, "?", _name_of(title, body), "malformed")
    before, answer, after = body[:open_at].strip(), body[open_at + 1:close_at].strip(), body[close_at + 1:].strip()
    text_format = "moodle"
    match = _GIFT_FORMAT.match(before)
    if match:
        text_format, before = match.group(1).lower(), before[match.end():].strip()
    notes: list[str] = []
    prompt = _plain(_unescape(before), text_format, notes)
    if after:  # the "missing word" form: the blank sits where the answer was
        prompt = f"{prompt} _____ {_plain(_unescape(after), text_format, notes)}".strip()
    name = _name_of(title, prompt)
    answer, _sep, general = answer.partition("####")
    explanation = _plain(_unescape(general), text_format, notes)
    if not answer.strip():
        return _skipped(where, "essay", name, "essay")
    if not prompt:
        return _skipped(where, "?", name, "no_text")
    item = _gift_answer(where, name, answer.strip(), text_format, notes)
    if item.spec is not None:
        item.words = {"prompt": prompt, "explanation": explanation or item.words.get("explanation", ""),
                      **{k: v for k, v in item.words.items() if k not in ("prompt", "explanation")}}
        if not item.words["explanation"]:
            notes.append("no_explanation")
    item.notes = notes
    return item


def _gift_answer(where: str, name: str, answer: str, text_format: str, notes: list[str]) -> Item:
    if answer.startswith("#"):
        return _gift_numeric(where, name, answer[1:])
    head, *feedback = [_unescape(piece).strip() for _sep, piece in _split_unescaped(answer, "#")]
    if head.upper() in ("T", "TRUE", "F", "FALSE"):
        correct = head.upper() in ("T", "TRUE")
        # {T#feedback if wrong#feedback if right}: the right one explains the answer
        explanation = feedback[1] if len(feedback) > 1 else ""
        return Item(where, "truefalse", name, spec={"kind": "true_false", "correct": correct},
                    words={"explanation": explanation})
    answers = []
    for marker, piece in _split_unescaped(answer, "=~")[1:]:
        text, _sep, feedback_text = piece.partition("#") if _find_unescaped(piece, "#") != -1 else (piece, "", "")
        weight = None
        weighted = re.match(r"\s*%(-?\d+(?:\.\d+)?)%", text)
        if weighted:
            weight, text = float(weighted.group(1)), text[weighted.end():]
        answers.append((marker, weight, text, _unescape(feedback_text).strip()))
    if not answers:
        return _skipped(where, "?", name, "malformed")
    if all(marker == "=" for marker, *_rest in answers):
        if any("->" in text for _m, _w, text, _f in answers):
            pairs = []
            for _m, _w, text, _f in answers:
                left, _sep, right = text.partition("->")
                pairs.append((_plain(_unescape(left), text_format, notes),
                              _plain(_unescape(right), text_format, notes)))
            return _matching(where, "matching", name, pairs)
        return _skipped(where, "shortanswer", name, "short_answer")
    choices = [(_plain(_unescape(text), text_format, notes), feedback,
                weight if weight is not None else (100.0 if marker == "=" else 0.0))
               for marker, weight, text, feedback in answers]
    has_weights = any(weight is not None for _m, weight, _t, _f in answers)
    single = not has_weights and sum(marker == "=" for marker, *_rest in answers) == 1
    return _choice_item(where, "multichoice", name, choices, single)


def _gift_numeric(where: str, name: str, answer: str) -> Item:
    first = answer.split("=")[1] if answer.lstrip().startswith("=") else answer
    first = re.split(r"[~#=]", first.replace("%100%", "", 1), maxsplit=1)[0].strip()
    try:
        if ".." in first:
            low, high = (float(part) for part in first.split("..", 1))
            correct, tolerance = (low + high) / 2, abs(high - low) / 2
        else:
            value, _sep, margin = first.partition(":")
            correct, tolerance = float(value), float(margin or 0)
    except ValueError:
        return _skipped(where, "numerical", name, "bad_number")
    return _numeric(where, name, correct, tolerance, "")


# --- building our questions ----------------------------------------------------------------------


def _letters(count: int) -> list[str]:
    return [chr(ord("a") + n) if n < 26 else f"choice-{n + 1}" for n in range(count)]


def _choice_item(where: str, moodle_type: str, name: str, choices: list[tuple[str, str, float]],
                 single: bool) -> Item:
    """Choices are (text, feedback, Moodle fraction in percent)."""
    if len(choices) < 2:
        return _skipped(where, moodle_type, name, "too_few_choices")
    ids = _letters(len(choices))
    correct = [choice_id for choice_id, (_t, _f, weight) in zip(ids, choices, strict=True) if weight > 0]
    if not correct:
        return _skipped(where, moodle_type, name, "no_correct_answer")
    words = {"choices": {choice_id: {"text": text, "feedback": feedback}
                         for choice_id, (text, feedback, _w) in zip(ids, choices, strict=True)}}
    if single and len(correct) == 1:
        return Item(where, moodle_type, name, spec={"kind": "single_choice", "choices": ids, "correct": correct[0]},
                    words=words)
    partial = any(0 < weight < 100 for _t, _f, weight in choices)
    return Item(where, moodle_type, name, words=words, spec={
        "kind": "multiple_response", "scoring": "partial" if partial else "all_or_nothing",
        "choices": ids, "correct": correct})


def _matching(where: str, moodle_type: str, name: str, pairs: list[tuple[str, str]]) -> Item:
    """Pairs are (item text, target text); an empty item text is an extra target (a distractor)."""
    targets: dict[str, str] = {}
    for _item, target in pairs:
        targets.setdefault(target, f"target-{len(targets) + 1}")
    items = [(f"item-{n}", text, targets[target]) for n, (text, target) in enumerate(pairs, 1) if text]
    if len(items) < 1 or len(targets) < 2:
        return _skipped(where, moodle_type, name, "too_few_choices")
    return Item(where, moodle_type, name,
                spec={"kind": "matching", "items": [i for i, _t, _g in items], "targets": list(targets.values()),
                      "correct": {i: target for i, _t, target in items}},
                words={"items": {i: text for i, text, _g in items},
                       "targets": {target_id: text for text, target_id in targets.items()}})


def _numeric(where: str, name: str, correct: float, tolerance: float, unit: str) -> Item:
    return Item(where, "numerical", name, spec={"kind": "numeric", "correct": correct, "tolerance": abs(tolerance)},
                words={"unit": unit})


# --- Moodle XML ------------------------------------------------------------------------------------


class _LineBuilder(ElementTree.TreeBuilder):
    """Notes the line of each <question>, so the report can point at it."""

    def __init__(self) -> None:
        super().__init__()
        self.parser: Any = None

    def start(self, tag: str, attrs: dict[str, str]) -> ElementTree.Element:
        element = super().start(tag, attrs)
        expat = getattr(self.parser, "parser", None)
        if tag == "question" and expat is not None:
            element.set("_line", str(expat.CurrentLineNumber))
        return element


def _parse_xml(text: str) -> ElementTree.Element:
    # Refused before parsing: a DTD is how entity bombs and external entities get in, and Moodle never writes one.
    if re.search(r"<!\s*(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        raise BankRefused("xml_doctype")
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.parser = parser
    try:
        parser.feed(text)
        return parser.close()
    except DefusedXmlException:
        raise BankRefused("xml_doctype") from None
    except ElementTree.ParseError as error:
        raise BankRefused("xml_malformed", str(error)) from None


def parse_moodle_xml(data: bytes) -> list[Item]:
    """Every <question> of a Moodle XML file but categories, imported or skipped."""
    root = _parse_xml(_decode(data))
    if root.tag != "quiz":
        raise BankRefused("not_moodle_xml")
    questions = [q for q in root.findall("question") if q.get("type") != "category"]
    if len(questions) > MAX_QUESTIONS:
        raise BankRefused("too_many")
    return [_xml_question(number, element) for number, element in enumerate(questions, 1)]


def _text_of(element: ElementTree.Element | None, notes: list[str]) -> str:
    if element is None:
        return ""
    return _plain(element.findtext("text") or "", element.get("format", "html"), notes)


def _fraction(element: ElementTree.Element) -> float:
    try:
        return float(element.get("fraction", "0"))
    except ValueError:
        return 0.0


def _xml_question(number: int, element: ElementTree.Element) -> Item:
    moodle_type = element.get("type", "?")
    line = element.get("_line")
    where = f'<question type="{moodle_type}"> #{number}' + (f", line {line}" if line else "")
    notes: list[str] = []
    title = (element.findtext("name/text") or "").strip()
    prompt = _text_of(element.find("questiontext"), notes)
    name = _name_of(title, prompt)
    item = _xml_kind(where, moodle_type, name, element, notes)
    if item.spec is None:
        return item
    if not prompt:
        return _skipped(where, moodle_type, name, "no_text")
    explanation = _text_of(element.find("generalfeedback"), notes) or item.words.get("explanation", "")
    item.words = {"prompt": prompt, "explanation": explanation,
                  **{k: v for k, v in item.words.items() if k not in ("prompt", "explanation")}}
    try:
        points = float(element.findtext("defaultgrade") or 1)
    except ValueError:
        points = 1.0
    if points > 0 and points != 1:
        item.spec["points"] = int(points) if points.is_integer() else points
    if not explanation:
        notes.append("no_explanation")
    item.notes = notes
    return item


_SKIPPED_TYPES = {"shortanswer": "short_answer", "essay": "essay", "description": "description",
                  "cloze": "cloze", "multianswer": "cloze"}


def _xml_kind(where: str, moodle_type: str, name: str, element: ElementTree.Element, notes: list[str]) -> Item:
    answers = element.findall("answer")
    if moodle_type in _SKIPPED_TYPES:
        return _skipped(where, moodle_type, name, _SKIPPED_TYPES[moodle_type])
    if moodle_type == "multichoice":
        single = (element.findtext("single") or "true").strip().lower() in ("true", "1")
        choices = [(_text_of(a, notes), _text_of(a.find("feedback"), notes), _fraction(a)) for a in answers]
        return _choice_item(where, moodle_type, name, choices, single)
    if moodle_type == "truefalse":
        right = next((a for a in answers if _fraction(a) > 0), None)
        if right is None:
            return _skipped(where, moodle_type, name, "no_correct_answer")
        value = (right.findtext("text") or "").strip().lower()
        if value not in ("true", "false"):
            return _skipped(where, moodle_type, name, "malformed")
        return Item(where, moodle_type, name, spec={"kind": "true_false", "correct": value == "true"},
                    words={"explanation": _text_of(right.find("feedback"), notes)})
    if moodle_type == "matching":
        pairs = [(_text_of(sub, notes), _plain(sub.findtext("answer/text") or "", "plain_text", notes))
                 for sub in element.findall("subquestion")]
        return _matching(where, moodle_type, name, pairs)
    if moodle_type == "numerical":
        right = next((a for a in answers if _fraction(a) >= 100), None)
        if right is None:
            return _skipped(where, moodle_type, name, "no_correct_answer")
        try:
            correct = float((right.findtext("text") or "").strip())
            tolerance = float((right.findtext("tolerance") or "0").strip())
        except ValueError:
            return _skipped(where, moodle_type, name, "bad_number")
        unit = (element.findtext("units/unit/unit_name") or "").strip()
        return _numeric(where, name, correct, tolerance, unit)
    if moodle_type == "ordering":
        steps = [_text_of(a, notes) for a in answers]
        if len(steps) < 2:
            return _skipped(where, moodle_type, name, "too_few_choices")
        ids = [f"step-{n}" for n in range(1, len(steps) + 1)]
        return Item(where, moodle_type, name, spec={"kind": "ordering", "correct": ids},
                    words={"items": dict(zip(ids, steps, strict=True))})
    return _skipped(where, moodle_type, name, "unsupported_type", moodle_type)


# --- export ----------------------------------------------------------------------------------------

#: our kinds Moodle XML can say; image_choice and hotspot need files Moodle keeps elsewhere
EXPORTABLE = ("single_choice", "multiple_response", "true_false", "matching", "ordering", "numeric")


def _text_element(parent: ElementTree.Element, tag: str, text: str, text_format: str = "markdown") -> None:
    element = ElementTree.SubElement(parent, tag, format=text_format)
    ElementTree.SubElement(element, "text").text = text


def _percent(fraction: float) -> str:
    return f"{fraction:.5f}".rstrip("0").rstrip(".")


def quiz_to_moodle_xml(title: str, questions: list[dict[str, Any]], words: dict[str, dict[str, Any]]
                       ) -> tuple[bytes, list[str]]:
    """A quiz as Moodle XML in one language; returns the file and the ids of questions left out."""
    root = ElementTree.Element("quiz")
    category = ElementTree.SubElement(root, "question", type="category")
    _text_element(category, "category", f"$course$/{title}", "plain_text")
    left_out = []
    for spec in questions:
        kind = spec["kind"]
        if kind not in EXPORTABLE:
            left_out.append(spec["id"])
            continue
        w = words.get(spec["id"], {})
        moodle_type = {"single_choice": "multichoice", "multiple_response": "multichoice",
                       "true_false": "truefalse", "matching": "matching", "ordering": "ordering",
                       "numeric": "numerical"}[kind]
        question = ElementTree.SubElement(root, "question", type=moodle_type)
        _text_element(question, "name", spec["id"], "plain_text")
        _text_element(question, "questiontext", w.get("prompt", ""))
        _text_element(question, "generalfeedback", w.get("explanation", ""))
        ElementTree.SubElement(question, "defaultgrade").text = str(spec.get("points", 1))
        _export_answers(question, spec, w)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n", left_out


def _answer(parent: ElementTree.Element, fraction: float, text: str, feedback: str = "") -> ElementTree.Element:
    answer = ElementTree.SubElement(parent, "answer", fraction=_percent(fraction), format="html")
    ElementTree.SubElement(answer, "text").text = html.escape(text)
    if feedback:
        _text_element(answer, "feedback", feedback)
    return answer


def _export_answers(question: ElementTree.Element, spec: dict[str, Any], w: dict[str, Any]) -> None:
    kind = spec["kind"]
    if kind in ("single_choice", "multiple_response"):
        correct = spec["correct"] if isinstance(spec["correct"], list) else [spec["correct"]]
        ElementTree.SubElement(question, "single").text = "true" if kind == "single_choice" else "false"
        ElementTree.SubElement(question, "shuffleanswers").text = "true"
        wrong = -100.0 if spec.get("scoring") == "all_or_nothing" else 0.0
        for choice in spec["choices"]:
            choice_words = w.get("choices", {}).get(choice, {})
            fraction = 100.0 / len(correct) if choice in correct else (wrong if kind != "single_choice" else 0.0)
            _answer(question, fraction, choice_words.get("text", ""), choice_words.get("feedback", ""))
    elif kind == "true_false":
        _answer(question, 100.0 if spec["correct"] else 0.0, "true")
        _answer(question, 0.0 if spec["correct"] else 100.0, "false")
    elif kind == "matching":
        ElementTree.SubElement(question, "shuffleanswers").text = "true"
        used = set(spec["correct"].values())
        for item in spec["items"]:
            sub = ElementTree.SubElement(question, "subquestion", format="html")
            ElementTree.SubElement(sub, "text").text = html.escape(w.get("items", {}).get(item, ""))
            ElementTree.SubElement(ElementTree.SubElement(sub, "answer"), "text").text = (
                w.get("targets", {}).get(spec["correct"][item], ""))
        for target in spec["targets"]:
            if target not in used:  # an extra target: a subquestion with no text, as Moodle writes distractors
                sub = ElementTree.SubElement(question, "subquestion", format="html")
                ElementTree.SubElement(sub, "text").text = ""
                ElementTree.SubElement(ElementTree.SubElement(sub, "answer"), "text").text = (
                    w.get("targets", {}).get(target, ""))
    elif kind == "ordering":
        for item in spec["correct"]:
            _answer(question, 0.0, w.get("items", {}).get(item, ""))
    elif kind == "numeric":
        answer = _answer(question, 100.0, str(spec["correct"]))
        ElementTree.SubElement(answer, "tolerance").text = str(spec["tolerance"])
        if w.get("unit"):
            unit = ElementTree.SubElement(ElementTree.SubElement(question, "units"), "unit")
            ElementTree.SubElement(unit, "multiplier").text = "1"
            ElementTree.SubElement(unit, "unit_name").text = w["unit"]
