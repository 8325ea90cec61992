"""The certificate fonts are subsets of DejaVu Sans (tools/subset_fonts.py): every character a certificate
can print from the shipped courses and the catalogs must be in them, and so must names in other alphabets."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont

from training_app.certificates.pdf import BOLD, REGULAR
from training_app.content import load_package

ROOT = Path(__file__).resolve().parents[2]
NAMES = ["Chloé Tremblay-Côté", "José Ñúñez Peña", "Łukasz Żółć", "Zoë Ørsted", "Nguyễn Thị Hương",
         "Ирина Петрова", "Γιώργος Παπαδόπουλος", "Şükrü Çağlar", "O’Brien"]


def _printable(text: str) -> set[str]:
    """The characters that need a glyph: controls and format characters (bidi marks) have none, in DejaVu too."""
    return {c for c in text if unicodedata.category(c) not in ("Cc", "Cf")}


def _certificate_texts() -> set[str]:
    chars: set[str] = set()
    for package in sorted(p for p in (ROOT / "courses").iterdir() if p.is_dir()):
        for translation in load_package(package).texts.values():
            chars |= _printable(translation.course.title)
    for lang in ("fr", "es"):
        with open(ROOT / "training_app" / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
            for message in read_po(handle):
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                for string in strings:
                    chars |= _printable(string or "")
    return chars


@pytest.mark.parametrize("font", [REGULAR, BOLD], ids=["regular", "bold"])
def test_the_fonts_hold_every_character_of_titles_catalogs_and_names(font):
    cmap = TTFont(font).getBestCmap()
    needed = _certificate_texts() | {c for name in NAMES for c in _printable(name)}
    missing = sorted(f"U+{ord(c):04X} {c!r}" for c in needed if ord(c) not in cmap)
    assert not missing, missing
