"""The certificate as a PDF (fpdf2, embedded DejaVu, QR code) and as a PNG preview (Pillow).

Call these inside `flask_babel.force_locale(lang)`: the fixed words are translated with gettext.
"""

from __future__ import annotations

import hashlib
import io
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import segno
from babel.dates import format_date
from babel.numbers import format_percent
from flask_babel import gettext as _
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from training_app.certificates.models import Certificate
from training_app.certificates.services import display_code, title_in
from training_app.i18n import FORMAT_LOCALES

FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts"
REGULAR, BOLD = FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSans-Bold.ttf"
PAPERS = ("a4", "letter")
BRAND = (11, 93, 59)  # --brand in app.css
MUTED = (74, 85, 96)
INK = (27, 31, 35)


@dataclass(frozen=True)
class Wording:
    """Every line of the certificate, in one language."""

    heading: str
    certifies: str
    name: str
    completed_course: str
    title: str
    details: list[str]
    issuer: str
    code_line: str
    check_line: str
    verify_url: str


def plain(text: str) -> str:
    """Text without control or bidi-override characters, so a name cannot reorder the certificate."""
    return "".join(char for char in text if unicodedata.category(char) not in ("Cc", "Cf"))


def wording(certificate: Certificate, lang: str, verify_url: str) -> Wording:
    locale = FORMAT_LOCALES[lang]  # Canadian French, Mexican Spanish
    details = [_("Version %(version)s", version=certificate.course_version),
               _("Completed on %(date)s", date=format_date(certificate.completed_on, "long", locale=locale))]
    if certificate.score is not None:
        details.append(_("Score: %(score)s", score=format_percent(certificate.score, locale=locale)))
    details.append(_("Valid until %(date)s", date=format_date(certificate.expires_on, "long", locale=locale)))
    return Wording(
        heading=_("Certificate of completion"),
        certifies=_("This certifies that"),
        name=plain(certificate.learner_name),
        completed_course=_("has completed the course"),
        title=plain(title_in(certificate, lang)),
        details=details,
        issuer=plain(certificate.issuer),
        code_line=_("Certificate code: %(code)s", code=display_code(certificate.code)),
        # Translators: followed by the address of the public verification page on the next line.
        check_line=_("Check that this certificate is valid at:"),
        verify_url=verify_url,
    )


def qr_png(payload: str) -> bytes:
    """The QR code as a 1-bit PNG, one pixel per module, with no quiet zone (the PDF leaves white around it)."""
    out = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(out, kind="png", scale=1, border=0)
    return out.getvalue()


def render_pdf(certificate: Certificate, lang: str, paper: str, verify_url: str, qr_payload: str) -> bytes:
    """A one-page landscape certificate with selectable text, in `lang`."""
    words = wording(certificate, lang, verify_url)
    pdf = FPDF(orientation="landscape", unit="mm", format="letter" if paper == "letter" else "A4")
    pdf.set_title(f"{words.heading}: {words.name}")
    pdf.set_author(words.issuer)
    pdf.set_lang(lang)
    pdf.set_auto_page_break(False)
    pdf.set_margins(18, 18, 18)
    pdf.add_font("DejaVu", "", str(REGULAR))
    pdf.add_font("DejaVu", "B", str(BOLD))
    pdf.add_page()
    width, height, margin = pdf.w, pdf.h, pdf.l_margin
    pdf.set_draw_color(*BRAND)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, width - 20, height - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, width - 26, height - 26)

    text_width = width - 2 * margin
    pdf.set_xy(margin, 24)
    _line(pdf, words.issuer.upper(), 11, text_width, color=MUTED)
    pdf.ln(4)
    _line(pdf, words.heading, 28, text_width, bold=True, color=BRAND)
    pdf.ln(6)
    _line(pdf, words.certifies, 13, text_width)
    pdf.ln(2)
    _line(pdf, words.name, _fitting_size(pdf, words.name, text_width, 26), text_width, bold=True)
    pdf.ln(2)
    _line(pdf, words.completed_course, 13, text_width)
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 17)
    pdf.set_x(margin)
    pdf.multi_cell(text_width, 8, words.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for detail in words.details:
        _line(pdf, detail, 12, text_width)

    qr_size = 42
    qr_x, qr_y = width - margin - qr_size, height - margin - qr_size
    pdf.image(io.BytesIO(qr_png(qr_payload)), x=qr_x, y=qr_y, w=qr_size, h=qr_size)
    left_width = qr_x - margin - 6
    pdf.set_text_color(*MUTED)
    pdf.set_font("DejaVu", "", 9.5)
    pdf.set_xy(margin, qr_y + 10)
    for line in (words.code_line, words.check_line, words.verify_url):
        pdf.set_x(margin)
        pdf.multi_cell(left_width, 5, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _line(pdf: FPDF, text: str, size: float, width: float, bold: bool = False,
          color: tuple[int, int, int] = INK) -> None:
    pdf.set_font("DejaVu", "B" if bold else "", size)
    pdf.set_text_color(*color)
    pdf.set_x(pdf.l_margin)
    pdf.cell(width, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)


def _fitting_size(pdf: FPDF, text: str, width: float, largest: float) -> float:
    """The largest font size, down to 12 pt, at which `text` fits on one line."""
    size = largest
    pdf.set_font("DejaVu", "B", size)
    while size > 12 and pdf.get_string_width(text) > width:
        size -= 1
        pdf.set_font("DejaVu", "B", size)
    return size


@lru_cache(maxsize=16)
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(BOLD if bold else REGULAR), size)


def render_preview(certificate: Certificate, lang: str) -> bytes:
    """A small PNG picture of the certificate for the dashboard (the PDF is the document)."""
    words = wording(certificate, lang, "")
    width, height = 640, 452
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, width - 9, height - 9), outline=BRAND, width=4)
    draw.rectangle((16, 16, width - 17, height - 17), outline=BRAND, width=1)
    y = 40
    for text, size, bold, color in (
        (words.issuer.upper(), 13, False, MUTED), (words.heading, 28, True, BRAND), (words.certifies, 15, False, MUTED),
        (words.name, 26, True, INK), (words.completed_course, 15, False, MUTED), (words.title, 18, True, INK),
        *((detail, 14, False, MUTED) for detail in words.details),
    ):
        font, lines = _wrapped(draw, text, bold, size, width - 60)
        for line in lines:
            draw.text((width / 2, y), line, font=font, fill=color, anchor="mt")
            y += font.size + 6
        y += 10
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _wrapped(draw: ImageDraw.ImageDraw, text: str, bold: bool, size: int, width: int
             ) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The font and lines that fit `text` in `width`: at most two lines, shrinking the font down to 11 px."""
    while True:
        font = _font(bold, size)
        lines: list[str] = []
        for word in text.split():
            if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
                lines[-1] = f"{lines[-1]} {word}"
            else:
                lines.append(word)
        if size <= 11 or (len(lines) <= 2 and all(draw.textlength(line, font=font) <= width for line in lines)):
            return font, lines[:2]
        size -= 1


def cached_pdf(cache_dir: Path, certificate: Certificate, lang: str, paper: str, verify_url: str,
               qr_payload: str) -> bytes:
    """The PDF, rendered once and then read from `cache_dir`.

    A certificate never changes once issued (revocation shows on the verification page), so one
    rendering per language, paper and link serves every later download, in any worker process.
    """
    key = f"{certificate.code}|{certificate.signature}|{lang}|{paper}|{verify_url}"
    cached = cache_dir / f"{hashlib.sha256(key.encode()).hexdigest()}.pdf"
    if cached.is_file():
        return cached.read_bytes()
    data = render_pdf(certificate, lang, paper, verify_url, qr_payload)
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}.tmp")
    partial.write_bytes(data)
    partial.replace(cached)  # atomic: a reader sees the whole file or none
    return data
