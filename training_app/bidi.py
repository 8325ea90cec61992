"""Bidi isolation of text people type (names, organisation names, course titles).

A right-to-left override (U+202E) or another explicit bidi control in a name must not reorder the
text around it: "Transcript of Ana \u202egnp.exe (CBSA)" would otherwise show the parenthesis and
anything after it reversed. In HTML the value goes in `<bdi>` (the `bdi` filter); in plain text
(page titles, labels inside <option>, CSV and XLSX cells) between U+2068 FIRST STRONG ISOLATE and
U+2069 POP DIRECTIONAL ISOLATE (`isolate`). Either way a pop-isolate inside the value that nothing
in the value opened is dropped, so the value cannot close the isolation early and leak an override.
Pure: no Flask, no database.
"""

from __future__ import annotations

from markupsafe import Markup, escape

#: LRE, RLE, PDF, LRO, RLO (embeddings and overrides), LRI, RLI, FSI, PDI (isolates)
CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_OPENS_ISOLATE = frozenset("\u2066\u2067\u2068")
FSI, PDI = "\u2068", "\u2069"


def balanced(text: str) -> str:
    """`text` without the pop-isolates (U+2069) that close no isolate opened inside it."""
    if PDI not in text:
        return text
    depth, kept = 0, []
    for char in text:
        if char in _OPENS_ISOLATE:
            depth += 1
        elif char == PDI:
            if not depth:
                continue
            depth -= 1
        kept.append(char)
    return "".join(kept)


def isolate(value: object) -> str:
    """Plain text made safe to place in a sentence: FSI…PDI around it when it holds a bidi control.

    Text without controls is returned unchanged, so exports of ordinary names stay byte for byte.
    """
    text = "" if value is None else str(value)
    if CONTROLS.isdisjoint(text):
        return text
    return f"{FSI}{balanced(text)}{PDI}"


def bdi(value: object) -> Markup:
    """`value` escaped inside `<bdi>`, for every user-typed text printed in a page (the Jinja filter)."""
    if value is None or not str(value):  # None, "", or an undefined template variable
        return Markup("")
    html = escape(value)  # Markup stays as it is; anything else is escaped
    return Markup(f"<bdi>{balanced(html)}</bdi>")  # noqa: S704  # nosec B704 - escaped above
