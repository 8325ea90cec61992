"""Draw the original illustrations of the ods-hfcs course.

Run from the repository root: `python tools/illustrations/ods-hfcs.py`.
Images without words go to courses/ods-hfcs/media/; images with words get one copy per
language in courses/ods-hfcs/<lang>/media/. The hotspot regions are printed so that the quiz
YAML can be checked against what was drawn.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

COURSE = Path(__file__).resolve().parents[2] / "courses" / "ods-hfcs"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

INK = (33, 37, 41)
PAPER = (255, 255, 255)
RAL_7044 = (189, 186, 171)  # light green-grey of AHRI Guideline N; a screen approximation
RED = (200, 40, 40)
GAS_GREEN = (0, 133, 66)
WATER = (214, 234, 248)
LAND = (236, 232, 214)

Point = tuple[float, float]
Regions = dict[str, dict[str, list]]


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The project font at a pixel size."""
    return ImageFont.truetype(FONT_BOLD if bold else FONT, size)


def save(image: Image.Image, path: Path) -> None:
    """Write a small palette PNG (the drawings use few colours)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image.convert("RGB").quantize(colors=64).save(path, optimize=True)


def centred(
    draw: ImageDraw.ImageDraw,
    box: Sequence[float],
    text: str,
    size: int,
    bold: bool = False,
    fill: tuple[int, int, int] = INK,
) -> None:
    """Write text centred in a box, one or more lines."""
    face = font(size, bold)
    x0, y0, x1, y1 = box
    draw.multiline_text(
        ((x0 + x1) / 2, (y0 + y1) / 2), text, font=face, fill=fill, anchor="mm", align="center", spacing=4
    )


def rect_region(box: Sequence[float]) -> dict[str, list]:
    """A hotspot rectangle [x, y, width, height] from a box (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = (round(v) for v in box)
    return {"rect": [x0, y0, x1 - x0, y1 - y0]}


# ---------------------------------------------------------------- module 1: schedules and map


def step_chart(steps: Sequence[tuple[int, float]], end_year: int, colour: tuple[int, int, int]) -> Image.Image:
    """A step chart of allowed consumption (% of baseline) from each year onwards; numbers only, no words."""
    width, height = 560, 300
    left, right, top, bottom = 60, 540, 20, 250
    first, last = 1990, 2050
    image = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(image)

    def x_of(year: float) -> float:
        return left + (year - first) * (right - left) / (last - first)

    def y_of(percent: float) -> float:
        return bottom - percent * (bottom - top) / 100

    for percent in (0, 25, 50, 75, 100):
        draw.line([(left, y_of(percent)), (right, y_of(percent))], fill=(220, 220, 220))
        draw.text((left - 8, y_of(percent)), f"{percent}%", font=font(12), fill=INK, anchor="rm")
    for year in range(first, last + 1, 10):
        draw.line([(x_of(year), bottom), (x_of(year), bottom + 5)], fill=INK)
        draw.text((x_of(year), bottom + 8), str(year), font=font(12), fill=INK, anchor="mt")
    bounds = [*steps, (end_year, 0)]
    for (year, percent), (next_year, _) in zip(bounds, bounds[1:], strict=False):
        box = [x_of(year), y_of(percent), x_of(next_year), bottom]
        draw.rectangle(box, fill=colour, outline=INK)
        # Above the bar, so that narrow steps keep a readable label.
        draw.text(((box[0] + box[2]) / 2, box[1] - 3), f"{percent:g}%", font=font(11, True), fill=INK, anchor="mb")
    draw.line([(left, top), (left, bottom), (right, bottom)], fill=INK, width=2)
    return image


def lonlat(points: Sequence[Point]) -> list[Point]:
    """Project longitude/latitude to map pixels (a plain equirectangular sketch, not a survey map)."""
    return [(round((lon + 170) * 4 + 10, 1), round((78 - lat) * 7.5, 1)) for lon, lat in points]


CANADA = [
    (-141, 69.6),
    (-141, 60.3),
    (-137, 59),
    (-133, 56),
    (-130, 54.7),
    (-123.3, 49),
    (-95, 49),
    (-89, 48),
    (-83, 46),
    (-82.5, 42),
    (-79, 43.5),
    (-76, 44),
    (-74.7, 45),
    (-71.5, 45),
    (-70, 46.5),
    (-67.8, 47.1),
    (-67, 45),
    (-64, 44),
    (-60, 45.5),
    (-59, 47.5),
    (-55.5, 51.5),
    (-60, 55),
    (-64, 60.3),
    (-70, 62),
    (-78, 62.5),
    (-78, 58.5),
    (-76.5, 56),
    (-79, 52),
    (-82, 53),
    (-87, 55.5),
    (-93, 58.5),
    (-94, 61),
    (-88, 64),
    (-82, 66),
    (-85, 69),
    (-95, 68),
    (-110, 68.5),
    (-125, 70),
]
CANADA_ISLANDS = [(-122, 76), (-95, 77), (-78, 74), (-82, 71.5), (-96, 72), (-118, 71)]
USA = [
    (-123.3, 49),
    (-124.5, 48),
    (-124, 42),
    (-122.5, 37.5),
    (-120.5, 34.5),
    (-117.1, 32.5),
    (-114.7, 32.7),
    (-111, 31.3),
    (-108.2, 31.3),
    (-106.5, 31.8),
    (-104, 29.5),
    (-101.5, 29.8),
    (-99.5, 27.5),
    (-97.2, 25.9),
    (-97.4, 27.8),
    (-94, 29.6),
    (-90, 29.1),
    (-89, 30.3),
    (-85, 29.7),
    (-83, 29),
    (-82.6, 27),
    (-81, 25.2),
    (-80, 26.5),
    (-81.3, 30.5),
    (-81, 32),
    (-76, 35),
    (-76, 37),
    (-74, 39.5),
    (-72, 41),
    (-70, 41.7),
    (-70.7, 43),
    (-67, 44.8),
    (-67.8, 47.1),
    (-70, 46.5),
    (-71.5, 45),
    (-74.7, 45),
    (-76, 44),
    (-79, 43.5),
    (-82.5, 42),
    (-83, 46),
    (-89, 48),
    (-95, 49),
]
ALASKA = [
    (-141, 69.6),
    (-156, 71.3),
    (-166, 68.8),
    (-162, 66),
    (-168, 65.5),
    (-162, 63.5),
    (-165, 61),
    (-157, 58.7),
    (-162, 55.5),
    (-152, 57.5),
    (-150, 61),
    (-146, 60.6),
    (-141, 60.3),
]
MEXICO = [
    (-117.1, 32.5),
    (-114.7, 32.7),
    (-111, 31.3),
    (-108.2, 31.3),
    (-106.5, 31.8),
    (-104, 29.5),
    (-101.5, 29.8),
    (-99.5, 27.5),
    (-97.2, 25.9),
    (-97.7, 22),
    (-96, 19),
    (-94.5, 18.2),
    (-91, 18.7),
    (-90.5, 21),
    (-87, 21.5),
    (-87.5, 18.5),
    (-88.3, 18.5),
    (-89.1, 17.8),
    (-90.5, 16),
    (-92.2, 14.5),
    (-94, 16),
    (-96.5, 15.7),
    (-100, 17),
    (-103.5, 18.3),
    (-105.5, 20.5),
    (-105.2, 21.5),
    (-106, 23.5),
    (-108, 25.2),
    (-109.5, 26.8),
    (-111, 28.5),
    (-112.8, 30),
    (-114.6, 31.5),
    (-113, 29),
    (-111.5, 26.5),
    (-110, 24),
    (-109.5, 23.2),
    (-110.3, 23),
    (-112, 24.8),
    (-114, 27.5),
    (-115.5, 29.8),
    (-116.8, 31.8),
]


def north_america_map() -> tuple[Image.Image, Regions]:
    """An unlabelled sketch map of Canada, the United States and Mexico, with one polygon region per shape."""
    image = Image.new("RGB", (500, 490), WATER)
    draw = ImageDraw.Draw(image)
    shapes = {
        "canada": CANADA,
        "canada-islands": CANADA_ISLANDS,
        "united-states": USA,
        "alaska": ALASKA,
        "mexico": MEXICO,
    }
    regions: Regions = {}
    for region_id, shape in shapes.items():
        pixels = lonlat(shape)
        draw.polygon(pixels, fill=LAND, outline=INK, width=2)
        regions[region_id] = {"polygon": [[round(x), round(y)] for x, y in pixels]}
    return image, regions


# ---------------------------------------------------------------- module 2: cylinders and labels


def cylinder(body: tuple[int, int, int], red_band: bool = False, label: str = "") -> Image.Image:
    """A refillable-style refrigerant cylinder seen from the side."""
    image = Image.new("RGB", (240, 340), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([50, 70, 190, 320], radius=40, fill=body, outline=INK, width=3)
    if red_band:
        draw.rounded_rectangle([50, 70, 190, 112], radius=30, fill=RED, outline=INK, width=2)
        draw.rectangle([53, 95, 187, 112], fill=RED)
        draw.line([(50, 112), (190, 112)], fill=INK, width=2)
    draw.rectangle([100, 40, 140, 72], fill=(140, 140, 140), outline=INK, width=2)  # valve
    draw.arc([78, 10, 162, 80], start=180, end=360, fill=INK, width=6)  # guard collar
    draw.rectangle([64, 170, 176, 240], fill=PAPER, outline=INK, width=2)
    if label:
        centred(draw, (64, 170, 176, 240), label, 24, bold=True)
    else:  # a blank product label with a barcode, so that only the paint can differ
        for i in range(18):
            x = 78 + i * 5
            draw.rectangle([x, 185, x + (1 if i % 3 else 2), 225], fill=INK)
    return image


def disposable_cylinder() -> Image.Image:
    """A squat one-trip cylinder stamped DOT-39, with its moulded carrying collar."""
    image = Image.new("RGB", (240, 340), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([40, 120, 200, 320], radius=50, fill=RAL_7044, outline=INK, width=3)
    draw.rounded_rectangle([60, 60, 180, 135], radius=14, fill=(120, 120, 120), outline=INK, width=3)
    draw.rounded_rectangle([85, 75, 155, 105], radius=10, fill=PAPER, outline=INK, width=2)  # hand hole
    draw.rectangle([64, 180, 176, 240], fill=PAPER, outline=INK, width=2)
    centred(draw, (64, 180, 176, 240), "R-134a", 24, bold=True)
    centred(draw, (40, 262, 200, 296), "DOT-39", 16, bold=True)
    return image


def gas_diamond(draw: ImageDraw.ImageDraw, centre: Point, half: int) -> tuple[float, float, float, float]:
    """A green class 2 (non-flammable gas) diamond; returns its bounding box."""
    cx, cy = centre
    draw.polygon(
        [(cx, cy - half), (cx + half, cy), (cx, cy + half), (cx - half, cy)],
        fill=GAS_GREEN,
        outline=INK,
        width=2,
    )
    draw.text((cx, cy + half * 0.55), "2", font=font(half // 3, True), fill=PAPER, anchor="mm")
    draw.text((cx, cy - half * 0.25), "◆", font=font(half // 3), fill=PAPER, anchor="mm")
    return (cx - half, cy - half, cx + half, cy + half)


def label_sheet() -> tuple[Image.Image, Regions]:
    """A cylinder label laid flat: designation, chemical name, UN and CAS numbers, hazard diamond, mass."""
    image = Image.new("RGB", (640, 400), RAL_7044)
    draw = ImageDraw.Draw(image)
    draw.rectangle([30, 30, 610, 370], fill=PAPER, outline=INK, width=3)
    regions: Regions = {}
    boxes = {
        "designation": ((50, 50, 330, 130), "R-134a", 54),
        "chemical": ((50, 140, 330, 185), "HFC-134a", 30),
        "un-number": ((50, 200, 230, 250), "UN 3159", 28),
        "cas-number": ((50, 260, 330, 300), "CAS 811-97-2", 24),
        "net-mass": ((50, 310, 230, 355), "13.6 kg", 26),
    }
    for region_id, (box, text, size) in boxes.items():
        draw.rectangle(box, outline=(160, 160, 160), width=1)
        centred(draw, box, text, size, bold=region_id == "designation")
        regions[region_id] = rect_region(box)
    regions["hazard-diamond"] = rect_region(gas_diamond(draw, (470, 150), 90))
    for i in range(40):  # a barcode-like strip: decoration only
        x = 390 + i * 4.5
        draw.rectangle([x, 280, x + (1 if i % 3 else 2.5), 345], fill=INK)
    return image, regions


def label_over_label() -> tuple[Image.Image, Regions]:
    """A cylinder whose new 'R-134a' label is stuck over an older label that still shows at the edge."""
    image = Image.new("RGB", (640, 400), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([40, 40, 600, 380], radius=60, fill=RAL_7044, outline=INK, width=3)
    old = (150, 110, 500, 330)
    draw.rectangle(old, fill=(250, 244, 205), outline=INK, width=2)
    draw.text((470, 318), "R-22", font=font(22, True), fill=INK, anchor="rb")
    new = (130, 90, 480, 300)
    draw.rectangle(new, fill=PAPER, outline=INK, width=2)
    centred(draw, (140, 100, 470, 170), "R-134a", 48, bold=True)
    centred(draw, (140, 175, 470, 210), "HFC-134a", 26)
    centred(draw, (140, 215, 330, 250), "UN 3159", 22)
    diamond = gas_diamond(draw, (405, 245), 45)
    regions: Regions = {
        "old-label": rect_region((old[0], new[3], old[2], old[3])),
        "old-label-side": rect_region((new[2], old[1], old[2], new[3])),
        "designation": rect_region((140, 100, 470, 170)),
        "un-number": rect_region((140, 215, 330, 250)),
        "hazard-diamond": rect_region(diamond),
    }
    return image, regions


STEPS_CHART = {
    "en": (
        "A suspect cylinder? Safety first",
        [
            "Do not open, vent or heat it",
            "Keep people out of low, closed spaces",
            "Detain and photograph, record every mark",
            "Check documents and licence",
            "Call the ODS authority",
            "Identifier test by trained staff or a laboratory",
        ],
    ),
    "fr": (
        "Bouteille suspecte? La sécurité d'abord",
        [
            "Ne pas l'ouvrir, la purger ni la chauffer",
            "Éloigner les gens des lieux bas ou fermés",
            "Retenir et photographier, noter chaque marque",
            "Vérifier les documents et le permis",
            "Appeler l'autorité responsable des SAO",
            "Analyse par un identificateur (personnel formé) ou un laboratoire",
        ],
    ),
    "es": (
        "¿Cilindro sospechoso? Primero la seguridad",
        [
            "No abrirlo, no liberar el gas ni calentarlo",
            "Mantener a las personas fuera de lugares bajos o cerrados",
            "Retener y fotografiar, registrar cada marca",
            "Revisar documentos y permiso",
            "Llamar a la autoridad en materia de SAO",
            "Prueba con identificador (personal capacitado) o laboratorio",
        ],
    ),
}


def fitted(draw: ImageDraw.ImageDraw, text: str, width: float) -> tuple[str, ImageFont.FreeTypeFont]:
    """The text on one line at 19 px if it fits, else on two balanced lines, shrunk only if needed."""
    if draw.textlength(text, font=font(19)) <= width:
        return text, font(19)
    words = text.split()
    # French and Spanish run longer: break where the two lines are closest in length.
    split = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))))
    lines = [" ".join(words[:split]), " ".join(words[split:])]
    size = 17
    while max(draw.textlength(line, font=font(size)) for line in lines) > width:
        size -= 1
    return "\n".join(lines), font(size)


def steps_chart(title: str, steps: Sequence[str]) -> Image.Image:
    """A top-to-bottom action chart with one box per step."""
    image = Image.new("RGB", (640, 560), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle([20, 15, 620, 65], fill=RED)
    size = 24
    while draw.textlength(title, font=font(size, True)) > 570:
        size -= 1
    centred(draw, (20, 15, 620, 65), title, size, bold=True, fill=PAPER)
    for i, step in enumerate(steps):
        y = 90 + i * 78
        draw.rounded_rectangle([60, y, 580, y + 56], radius=10, fill=(240, 240, 240), outline=INK, width=2)
        draw.ellipse([72, y + 10, 108, y + 46], fill=INK)
        centred(draw, (72, y + 10, 108, y + 46), str(i + 1), 20, bold=True, fill=PAPER)
        text, face = fitted(draw, step, 445)
        draw.multiline_text((122, y + 28), text, font=face, fill=INK, anchor="lm", spacing=2)
        if i < len(steps) - 1:
            draw.polygon([(310, y + 60), (330, y + 60), (320, y + 74)], fill=INK)
    return image


# ---------------------------------------------------------------- module 3: documents and calculations


def paper_icon(draw: ImageDraw.ImageDraw, x: float, y: float, mark: Callable[[float, float], None]) -> None:
    """A small sheet-of-paper icon with a distinguishing mark drawn by `mark`."""
    draw.polygon(
        [(x, y), (x + 34, y), (x + 44, y + 10), (x + 44, y + 52), (x, y + 52)],
        fill=PAPER,
        outline=INK,
        width=2,
    )
    mark(x, y)


def shipment_documents(
    invoice_hs: str = "2903.45", licence_qty: str = "≤ 10 000 kg", bill_container: str = "ABCU 123465-7"
) -> tuple[Image.Image, Regions]:
    """Invoice, import licence and bill of lading for one shipment, shown with codes and numbers only.

    The defaults hold two mismatches for the quiz (container number, quantity over the licence);
    the lesson's example passes other values so that it does not give the quiz answers away.
    """
    image = Image.new("RGB", (780, 380), (245, 245, 245))
    draw = ImageDraw.Draw(image)
    regions: Regions = {}
    cards = {
        "invoice": [
            ("inv-substance", "HFC-134a"),
            ("inv-hs", invoice_hs),
            ("inv-qty", "1 000 × 13.6 kg"),
            ("inv-container", "ABCU 123456-7"),
        ],
        "licence": [
            ("lic-substance", "HFC-134a"),
            ("lic-qty", licence_qty),
            ("lic-number", "№ 2026-0417"),
        ],
        "bill": [("bl-container", bill_container), ("bl-qty", "1 000 × 13.6 kg")],
    }

    def dollar(x: float, y: float) -> None:
        draw.text((x + 22, y + 30), "$", font=font(24, True), fill=INK, anchor="mm")

    def seal(x: float, y: float) -> None:
        draw.ellipse([x + 10, y + 16, x + 34, y + 40], fill=RED, outline=INK)

    def ship(x: float, y: float) -> None:
        draw.polygon([(x + 6, y + 30), (x + 38, y + 30), (x + 32, y + 42), (x + 12, y + 42)], fill=INK)
        draw.rectangle([x + 16, y + 18, x + 28, y + 30], fill=INK)

    marks = {"invoice": dollar, "licence": seal, "bill": ship}
    for column, (card, fields) in enumerate(cards.items()):
        x0 = 20 + column * 255
        draw.rectangle([x0, 20, x0 + 235, 360], fill=PAPER, outline=INK, width=2)
        paper_icon(draw, x0 + 95, 32, marks[card])
        for row, (region_id, text) in enumerate(fields):
            box = (x0 + 12, 110 + row * 60, x0 + 223, 160 + row * 60)
            draw.rectangle(box, outline=(170, 170, 170), width=1)
            centred(draw, box, text, 20, bold=True)
            regions[region_id] = rect_region(box)
    return image, regions


BLEND_WORDS = {
    # language: (name of GWP, unit of CO2-equivalent, thousands separator, decimal mark)
    "en": ("GWP", "t CO₂-eq", ",", "."),
    "fr": ("PRP", "t éq. CO₂", " ", ","),
    "es": ("PCA", "t CO₂ eq", ",", "."),
}


def number(value: float, thousands: str, decimal: str) -> str:
    """A number written the way the language writes it (1,750.5 / 1 750,5)."""
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def blend_gwp(gwp_name: str, unit: str, thousands: str, decimal: str) -> Image.Image:
    """How the GWP of R-410A (50% R-32, 50% R-125, AR4 values) is built, then a 25 kg example."""
    image = Image.new("RGB", (640, 330), PAPER)
    draw = ImageDraw.Draw(image)
    centred(draw, (20, 10, 620, 50), "R-410A", 28, bold=True)
    halves = [("R-32", 675, (120, 170, 215)), ("R-125", 3500, (46, 139, 87))]
    for i, (gas, gwp, colour) in enumerate(halves):
        x0 = 40 + i * 280
        draw.rectangle([x0, 60, x0 + 280, 130], fill=colour, outline=INK, width=2)
        centred(draw, (x0, 60, x0 + 280, 130), f"{gas}  50 %", 24, bold=True, fill=PAPER)
        share = number(0.5 * gwp, thousands, decimal)
        line = f"{number(0.5, thousands, decimal)} × {number(gwp, thousands, decimal)} = {share}"
        centred(draw, (x0, 140, x0 + 280, 175), line, 22)
    blend = 0.5 * 675 + 0.5 * 3500
    total = f"{gwp_name} = {number(337.5, thousands, decimal)} + {number(1750, thousands, decimal)}"
    centred(draw, (20, 190, 620, 230), f"{total} = {number(blend, thousands, decimal)}", 24, bold=True)
    example = f"25 kg × {number(blend, thousands, decimal)} / {number(1000, thousands, decimal)}"
    result = number(round(25 * blend / 1000, 1), thousands, decimal)
    draw.rounded_rectangle([40, 250, 600, 310], radius=10, fill=(240, 240, 240), outline=INK, width=2)
    centred(draw, (40, 250, 600, 310), f"{example} ≈ {result} {unit}", 24, bold=True)
    return image


def identifier_screen() -> Image.Image:
    """The display of a hand-held refrigerant identifier after testing a cylinder labelled R-134a."""
    image = Image.new("RGB", (420, 300), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([20, 10, 400, 290], radius=24, fill=(60, 64, 70), outline=INK, width=3)
    draw.rectangle([50, 40, 370, 220], fill=(200, 230, 200), outline=INK, width=2)
    for row, (gas, share) in enumerate([("R-22", "96.0 %"), ("R-134a", "1.3 %"), ("?", "2.7 %")]):
        y = 70 + row * 50
        draw.text((70, y), gas, font=font(28, True), fill=INK, anchor="lm")
        draw.text((350, y), share, font=font(28, True), fill=INK, anchor="rm")
    draw.polygon([(330, 240), (370, 240), (350, 272)], fill=RED)  # warning triangle, point down
    draw.ellipse([60, 240, 100, 280], fill=(120, 120, 120), outline=INK)
    return image


def main() -> None:
    """Draw every image and print the hotspot regions as JSON."""
    media = COURSE / "media"
    charts = {
        "hcfc-non-article5.png": (
            [(1996, 100), (2004, 65), (2010, 25), (2015, 10), (2020, 0.5)],
            2030,
            (52, 101, 164),
        ),
        "hcfc-article5.png": (
            [(2013, 100), (2015, 90), (2020, 65), (2025, 32.5), (2030, 2.5)],
            2040,
            (52, 101, 164),
        ),
        "hfc-non-article5.png": (
            [(2019, 90), (2024, 60), (2029, 30), (2034, 20), (2036, 15)],
            2050,
            (46, 139, 87),
        ),
        "hfc-article5-group1.png": (
            [(2024, 100), (2029, 90), (2035, 70), (2040, 50), (2045, 20)],
            2050,
            (46, 139, 87),
        ),
    }
    for name, (steps, end_year, colour) in charts.items():
        save(step_chart(steps, end_year, colour), media / name)

    regions: dict[str, Regions] = {}
    image, regions["north-america-map.png"] = north_america_map()
    save(image, media / "north-america-map.png")
    image, regions["cylinder-label.png"] = label_sheet()
    save(image, media / "cylinder-label.png")
    image, regions["label-over-label.png"] = label_over_label()
    save(image, media / "label-over-label.png")
    image, regions["shipment-documents.png"] = shipment_documents()
    save(image, media / "shipment-documents.png")
    image, _ = shipment_documents("2903.74", "≤ 20 000 kg", "ABCU 123456-7")
    save(image, media / "shipment-documents-example.png")

    save(cylinder(RAL_7044, label=""), media / "cylinder-plain.png")
    save(cylinder(RAL_7044, red_band=True, label=""), media / "cylinder-red-band.png")
    save(cylinder((120, 170, 215), label=""), media / "cylinder-blue.png")
    save(disposable_cylinder(), media / "cylinder-disposable.png")
    save(identifier_screen(), media / "identifier-screen.png")
    for lang, words in BLEND_WORDS.items():
        save(blend_gwp(*words), COURSE / lang / "media" / "r410a-gwp.png")
    for lang, (title, steps) in STEPS_CHART.items():
        save(steps_chart(title, steps), COURSE / lang / "media" / "suspect-cylinder-steps.png")

    print(json.dumps(regions, indent=1))


if __name__ == "__main__":
    main()
