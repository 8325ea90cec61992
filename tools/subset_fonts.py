"""Write the certificate fonts (training_app/static/fonts) as subsets of DejaVu Sans 2.37.

    python tools/subset_fonts.py DejaVuSans.ttf DejaVuSans-Bold.ttf   # the release's full files

fpdf2 parses the whole font file for every PDF it makes; the full DejaVu Sans (740 KB a style) made
parsing most of a certificate's first render. The subset keeps what names and course titles in
English, French and Spanish need, with room for names written in other Latin, Greek or Cyrillic
alphabets: 1,856 glyphs, 130 KB a style. Hinting is dropped (PDF viewers and Pillow do not need it).
The DejaVu licence (LICENSE-DejaVu.txt) allows modified copies under a name without "Bitstream" or "Vera".
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset

TARGET = Path(__file__).resolve().parent.parent / "training_app" / "static" / "fonts"
UNICODES = (
    "U+0000-024F"    # Basic Latin, Latin-1, Latin Extended-A and -B
    ",U+02B0-036F"   # spacing modifiers, combining diacritics (names typed in decomposed form)
    ",U+0370-03FF"   # Greek
    ",U+0400-04FF"   # Cyrillic
    ",U+1E00-1EFF"   # Latin Extended Additional (Vietnamese and other names)
    ",U+2000-206F"   # general punctuation, bidi isolates included
    ",U+20A0-20CF,U+2100-214F,U+2190-21FF,U+2212,U+25A0-25FF,U+FFFD"
)


def main(sources: list[str]) -> None:
    for source in map(Path, sources):
        options = subset.Options()
        options.hinting = False
        font = subset.load_font(str(source), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
        subsetter.subset(font)
        subset.save_font(font, str(TARGET / source.name), options)
        print(f"{TARGET / source.name}: {len(font.getGlyphOrder())} glyphs")


if __name__ == "__main__":
    main(sys.argv[1:])
