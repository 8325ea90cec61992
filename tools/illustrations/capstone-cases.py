"""Draw the original illustrations of the `capstone-cases` course.

Run from the repository root: `python tools/illustrations/capstone-cases.py`.
Images without words go to courses/capstone-cases/media/; images with words get one copy per
language in courses/capstone-cases/<lang>/media/ with the same layout, so hotspot regions are
shared by the three languages. The script prints every hotspot region to copy into quizzes/*.yaml.
Every name, number and vehicle on the mock documents is fictional (training mock-ups).
"""

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

COURSE = Path(__file__).resolve().parents[2] / "courses" / "capstone-cases"
FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
LANGUAGES = ("en", "fr", "es")

INK = (34, 40, 49)
PAPER = (255, 255, 255)
GREY = (120, 126, 134)
LIGHT = (236, 239, 242)
ALERT = (176, 36, 36)
HIGHLIGHT = (255, 244, 204)
BAG = (46, 64, 96)
BAG_LINING = (70, 88, 120)
COOLER = (226, 236, 244)
EGG = (246, 240, 226)
IVORY = (240, 230, 204)
IVORY_LINE = (176, 156, 118)
ROSEWOOD = (96, 46, 40)
ROSEWOOD_STREAK = (40, 20, 22)
STEEL = (150, 156, 162)
#: the single container colour of AHRI Guideline N (RAL 7044), approximately
LIGHT_GREEN_GREY = (190, 196, 190)

Rect = tuple[int, int, int, int]
Point = tuple[float, float]


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(BOLD_PATH if bold else FONT_PATH, size)


def save(image: Image.Image, name: str, lang: str | None = None) -> None:
    """Save as an optimised palette PNG: flat drawings stay well under 60 KB."""
    folder = COURSE / lang / "media" if lang else COURSE / "media"
    folder.mkdir(parents=True, exist_ok=True)
    image.convert("P", palette=Image.Palette.ADAPTIVE, colors=64).save(folder / name, optimize=True)


def region(name: str, image_name: str, rect: Rect) -> None:
    print(f"{image_name}: {{id: {name}, rect: [{rect[0]}, {rect[1]}, {rect[2]}, {rect[3]}]}}")


def box(rect: Rect) -> tuple[int, int, int, int]:
    """An (x, y, width, height) rect as the (x0, y0, x1, y1) corners Pillow wants."""
    x, y, w, h = rect
    return x, y, x + w, y + h


def wrap(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=face) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def centred(draw: ImageDraw.ImageDraw, rect: Rect, text: str, face: ImageFont.FreeTypeFont) -> None:
    """Write wrapped text centred in an (x, y, width, height) box."""
    x, y, w, h = rect
    lines = wrap(draw, text, face, w - 16)
    line_h = face.size + 4
    top = y + (h - line_h * len(lines)) // 2
    for i, line in enumerate(lines):
        draw.text((x + w // 2, top + i * line_h + line_h // 2), line, font=face, fill=INK, anchor="mm")


def arrow_down(draw: ImageDraw.ImageDraw, x: int, y0: int, y1: int) -> None:
    draw.line([(x, y0), (x, y1 - 8)], fill=GREY, width=3)
    draw.polygon([(x - 7, y1 - 10), (x + 7, y1 - 10), (x, y1)], fill=GREY)


def form_field(draw: ImageDraw.ImageDraw, rect: Rect, label: str, value: str, flagged: bool = False) -> None:
    """A labelled box of a mock document; `flagged` only changes the value's colour for blanks."""
    draw.rectangle(box(rect), outline=GREY, width=1)
    x, y, w, _ = rect
    draw.text((x + 8, y + 6), label, font=font(12), fill=GREY)
    for i, line in enumerate(wrap(draw, value, font(15, bold=True), w - 16)):
        draw.text((x + 8, y + 24 + i * 19), line, font=font(15, bold=True), fill=ALERT if flagged else INK)


# --- Decision sequence for every case (words: one per language) --------------------------------

SEQUENCE_WORDS = {
    "en": [
        "1. Risk signals: route, commodity, trader, value, code",
        "2. Documents against each other and against the goods",
        "3. Safety first: do not open, vent, release or presume",
        "4. Detain and call the competent authority",
        "5. Evidence: photos, packaging, notes, seals, chain of custody",
    ],
    "fr": [
        "1. Indicateurs de risque : itinéraire, marchandise, opérateur, valeur, code",
        "2. Les documents entre eux et avec les marchandises",
        "3. La sécurité d'abord : ne pas ouvrir, purger, libérer ni présumer",
        "4. Retenir et appeler l'autorité compétente",
        "5. Preuve : photos, emballages, notes, scellés, chaîne de possession",
    ],
    "es": [
        "1. Indicadores de riesgo: ruta, mercancía, operador, valor, fracción",
        "2. Los documentos entre sí y contra las mercancías",
        "3. Primero la seguridad: no abrir, liberar gas ni presumir el contenido",
        "4. Retener y llamar a la autoridad competente",
        "5. Pruebas: fotos, embalajes, notas, sellos, cadena de custodia",
    ],
}


def draw_sequence(lang: str) -> None:
    steps = SEQUENCE_WORDS[lang]
    image = Image.new("RGB", (720, 500), PAPER)
    draw = ImageDraw.Draw(image)
    for i, text in enumerate(steps):
        top = 20 + i * 96
        fill = HIGHLIGHT if i == 2 else LIGHT
        draw.rounded_rectangle(box((60, top, 600, 68)), radius=10, fill=fill, outline=GREY, width=2)
        centred(draw, (60, top, 600, 68), text, font(17, bold=True))
        if i < len(steps) - 1:
            arrow_down(draw, 360, top + 68, top + 96)
    save(image, "case-sequence.png", lang)


# --- Case: parrot eggs in a carry-on (no words) ------------------------------------------------

CARRY_ON_REGIONS: dict[str, Rect] = {
    "cooler": (420, 150, 250, 200),
    "clothes": (90, 90, 280, 150),
    "toiletry-bag": (90, 290, 180, 110),
    "shoes": (300, 280, 100, 150),
}


def draw_carry_on() -> None:
    image = Image.new("RGB", (760, 520), (222, 226, 230))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(box((50, 50, 660, 420)), radius=26, fill=BAG)
    draw.rounded_rectangle(box((70, 70, 620, 380)), radius=18, fill=BAG_LINING)
    draw.rectangle(box((330, 470, 100, 16)), fill=GREY)  # handle
    x, y, w, h = CARRY_ON_REGIONS["clothes"]
    for i, colour in enumerate([(200, 90, 80), (230, 210, 170), (90, 130, 170), (140, 160, 110)]):
        draw.rectangle(box((x + i * 8, y + i * 34, w - i * 16, 40)), fill=colour, outline=(60, 60, 60))
    x, y, w, h = CARRY_ON_REGIONS["toiletry-bag"]
    draw.rounded_rectangle(box((x, y, w, h)), radius=20, fill=(120, 60, 110))
    draw.line([(x + 20, y + 18), (x + w - 20, y + 18)], fill=(230, 230, 230), width=3)
    x, y, w, h = CARRY_ON_REGIONS["shoes"]
    draw.ellipse(box((x + 5, y, 42, h)), fill=(50, 40, 36))
    draw.ellipse(box((x + 53, y, 42, h)), fill=(50, 40, 36))
    x, y, w, h = CARRY_ON_REGIONS["cooler"]
    draw.rounded_rectangle(box((x, y, w, h)), radius=12, fill=COOLER, outline=(90, 120, 150), width=4)
    draw.rounded_rectangle(box((x + 10, y - 40, w - 20, 36)), radius=8, fill=(190, 210, 226), outline=(90, 120, 150))
    # 29 eggs, as in the case the scenario is built on: a 6 x 5 tray with one place empty
    for row in range(5):
        for col in range(6):
            if (row, col) == (4, 5):
                continue
            ex, ey = x + 22 + col * 36, y + 18 + row * 36
            draw.ellipse(box((ex, ey, 26, 32)), fill=EGG, outline=(180, 170, 150))
    save(image, "carry-on-cooler.png")
    for name, rect in CARRY_ON_REGIONS.items():
        region(name, "carry-on-cooler.png", rect)


# --- Case: rosewood declared as furniture parts ------------------------------------------------

def draw_rosewood_load() -> None:
    """Rough sawn boards stacked in an open container, seen from the doors (no words)."""
    rng = random.Random(7)
    image = Image.new("RGB", (760, 460), (210, 214, 218))
    draw = ImageDraw.Draw(image)
    draw.rectangle(box((40, 30, 680, 400)), fill=(70, 76, 84))
    for x in range(50, 720, 24):  # corrugated walls
        draw.line([(x, 30), (x, 430)], fill=(82, 88, 96), width=2)
    draw.rectangle(box((40, 430, 680, 12)), fill=STEEL)
    for layer in range(7):
        top = 380 - layer * 50
        draw.rectangle(box((90, top + 40, 580, 8)), fill=(170, 140, 90))  # spacer between layers
        for i in range(5):
            left = 90 + i * 118
            width = 108 + rng.randint(-6, 6)
            draw.rectangle(box((left, top, width, 40)), fill=ROSEWOOD, outline=ROSEWOOD_STREAK)
            for _ in range(5):  # the dark streaks of the grain
                sy = top + rng.randint(4, 36)
                draw.line([(left + 2, sy), (left + width - 2, sy + rng.randint(-3, 3))], fill=ROSEWOOD_STREAK, width=2)
    save(image, "rosewood-load.png")


INVOICE_WORDS = {
    "en": {
        "title": "COMMERCIAL INVOICE AND PACKING LIST",
        "mock": "Training mock-up: not a real document. Names and numbers are fictional.",
        "seller": "Seller / exporter",
        "buyer": "Buyer / consignee",
        "description": "Description of goods",
        "description_value": "Hardwood furniture parts",
        "botanical": "Scientific name (genus, species)",
        "quantity": "Quantity",
        "quantity_value": "412 pieces · 18 m³",
        "harvest": "Country of harvest",
        "permit": "CITES document no.",
        "permit_value": "Not required",
        "value": "Value",
        "blank": "(blank)",
    },
    "fr": {
        "title": "FACTURE COMMERCIALE ET LISTE DE COLISAGE",
        "mock": "Maquette de formation : pas un vrai document. Noms et numéros fictifs.",
        "seller": "Vendeur / exportateur",
        "buyer": "Acheteur / destinataire",
        "description": "Désignation des marchandises",
        "description_value": "Pièces de meubles en bois dur",
        "botanical": "Nom scientifique (genre, espèce)",
        "quantity": "Quantité",
        "quantity_value": "412 pièces · 18 m³",
        "harvest": "Pays de récolte",
        "permit": "Nº du document CITES",
        "permit_value": "Non requis",
        "value": "Valeur",
        "blank": "(vide)",
    },
    "es": {
        "title": "FACTURA COMERCIAL Y LISTA DE EMPAQUE",
        "mock": "Maqueta de capacitación: no es un documento real. Nombres y números ficticios.",
        "seller": "Vendedor / exportador",
        "buyer": "Comprador / destinatario",
        "description": "Descripción de las mercancías",
        "description_value": "Partes de muebles de madera dura",
        "botanical": "Nombre científico (género, especie)",
        "quantity": "Cantidad",
        "quantity_value": "412 piezas · 18 m³",
        "harvest": "País de cosecha",
        "permit": "Núm. de documento CITES",
        "permit_value": "No se requiere",
        "value": "Valor",
        "blank": "(en blanco)",
    },
}

INVOICE_REGIONS: dict[str, Rect] = {
    "seller": (30, 110, 340, 70),
    "buyer": (390, 110, 340, 70),
    "description": (30, 200, 700, 70),
    "botanical": (30, 290, 340, 70),
    "quantity": (390, 290, 340, 70),
    "harvest": (30, 380, 340, 70),
    "permit": (390, 380, 340, 70),
    "value": (30, 470, 340, 70),
}


def draw_invoice(lang: str) -> None:
    words = INVOICE_WORDS[lang]
    values = {
        "seller": "Maderas Selva Alta S.A.",
        "buyer": "Northgate Furniture Supply Inc.",
        "description": words["description_value"],
        "botanical": words["blank"],
        "quantity": words["quantity_value"],
        "harvest": words["blank"],
        "permit": words["permit_value"],
        "value": "USD 9,800",
    }
    image = Image.new("RGB", (760, 570), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle(box((10, 10, 740, 550)), outline=INK, width=2)
    draw.text((380, 42), words["title"], font=font(20, bold=True), fill=INK, anchor="mm")
    draw.text((380, 74), words["mock"], font=font(13), fill=ALERT, anchor="mm")
    draw.text((560, 505), "INV-2026-0417", font=font(15), fill=GREY, anchor="mm")
    for name, rect in INVOICE_REGIONS.items():
        form_field(draw, rect, words[name], values[name], flagged=values[name] == words["blank"])
    save(image, "rosewood-invoice.png", lang)
    if lang == LANGUAGES[0]:
        for name, rect in INVOICE_REGIONS.items():
            region(name, "rosewood-invoice.png", rect)


# --- Case: "mammoth ivory" bangles (no words; angle values are numbers) ------------------------

def chevron(draw: ImageDraw.ImageDraw, centre: Point, radius: float, bearing: float, angle: float,
            length: float, colour: tuple[int, int, int], width: int = 2) -> None:
    """Two Schreger-like lines crossing at `radius`; the angle opening outwards is `angle` degrees."""
    cx, cy = centre
    px, py = cx + radius * math.cos(bearing), cy + radius * math.sin(bearing)
    for side in (-1, 1):
        direction = bearing + side * math.radians(angle / 2)
        dx, dy = math.cos(direction) * length, math.sin(direction) * length
        draw.line([(px - dx, py - dy), (px + dx, py + dy)], fill=colour, width=width)


def cross_section(size: int, angle: float | None) -> Image.Image:
    """A polished tusk cross-section; `angle` None draws growth rings only (no Schreger pattern)."""
    image = Image.new("RGB", (size, size), (60, 64, 70))
    draw = ImageDraw.Draw(image)
    centre = (size / 2, size / 2)
    outer = size / 2 - 16
    draw.ellipse(box((16, 16, size - 32, size - 32)), fill=IVORY, outline=IVORY_LINE, width=3)
    if angle is None:
        for r in range(20, int(outer), 14):
            draw.ellipse(box((int(centre[0] - r), int(centre[1] - r), 2 * r, 2 * r)), outline=IVORY_LINE)
    else:
        for ring, length in ((outer - 26, 16), (outer - 62, 14)):
            for k in range(28):
                chevron(draw, centre, ring, 2 * math.pi * k / 28, angle, length, IVORY_LINE)
    draw.ellipse(box((int(centre[0] - 10), int(centre[1] - 10), 20, 20)), fill=(200, 186, 150))
    return image


def draw_schreger_choices() -> None:
    for name, angle in (("schreger-obtuse.png", 125.0), ("schreger-acute.png", 70.0), ("schreger-none.png", None)):
        save(cross_section(360, angle), name)


#: the five outer angles measured on the bangle (their mean is 124.2°)
BANGLE_ANGLES = (120, 128, 118, 131, 124)


def draw_bangle() -> None:
    size = 560
    image = Image.new("RGB", (size, size), (60, 64, 70))
    draw = ImageDraw.Draw(image)
    centre = (size / 2, size / 2)
    draw.ellipse(box((60, 60, 440, 440)), fill=IVORY, outline=IVORY_LINE, width=3)
    draw.ellipse(box((150, 150, 260, 260)), fill=(60, 64, 70), outline=IVORY_LINE, width=3)
    for k in range(30):
        chevron(draw, centre, 180, 2 * math.pi * k / 30, 124, 18, IVORY_LINE)
    for i, angle in enumerate(BANGLE_ANGLES):
        bearing = -math.pi / 2 + 2 * math.pi * i / len(BANGLE_ANGLES)
        chevron(draw, centre, 180, bearing, angle, 26, ALERT, width=4)
        lx, ly = centre[0] + 248 * math.cos(bearing), centre[1] + 248 * math.sin(bearing)
        draw.text((lx, ly), f"{angle}°", font=font(22, bold=True), fill=(255, 255, 255), anchor="mm")
    save(image, "bangle-section.png")


# --- Case: 300 crocodilian-leather handbags on a permit marked "P" (no words) ------------------

def draw_handbags() -> None:
    """Open cartons of identical handbags: a commercial quantity (no words)."""
    image = Image.new("RGB", (760, 420), (226, 230, 234))
    draw = ImageDraw.Draw(image)
    for row in range(2):
        for col in range(4):
            x, y = 30 + col * 180, 30 + row * 190
            draw.rectangle(box((x, y + 40, 170, 140)), fill=(204, 170, 120), outline=(150, 120, 80), width=2)
            for k in range(3):  # three bags standing in each carton
                bx = x + 12 + k * 52
                draw.rounded_rectangle(box((bx, y + 70, 46, 60)), radius=8, fill=(88, 62, 44), outline=(50, 34, 24))
                draw.arc(box((bx + 8, y + 50, 30, 40)), 180, 360, fill=(50, 34, 24), width=4)
                for sy in range(y + 78, y + 126, 10):  # scale pattern of the leather
                    draw.line([(bx + 4, sy), (bx + 42, sy)], fill=(70, 48, 34), width=1)
    save(image, "handbag-cartons.png")


# --- Case: "R-134a" cylinders that test as R-22 (words: one per language) ----------------------

LABEL_WORDS = {
    "en": {
        "mock": "Training mock-up · fictional brand",
        "gas": "Refrigerant HFC-134a",
        "net": "Net weight 13.6 kg",
        "nonrefill": "NON-REFILLABLE CYLINDER · DO NOT REFILL",
        "readout": "REFRIGERANT IDENTIFIER · SAMPLE 07",
        "other": "Other (incl. hydrocarbons)",
        "result": "RESULT: NOT PURE R-134a",
    },
    "fr": {
        "mock": "Maquette de formation · marque fictive",
        "gas": "Frigorigène HFC-134a",
        "net": "Poids net 13,6 kg",
        "nonrefill": "BOUTEILLE NON RECHARGEABLE · NE PAS REMPLIR",
        "readout": "IDENTIFICATEUR DE FRIGORIGÈNE · ÉCHANTILLON 07",
        "other": "Autres (dont hydrocarbures)",
        "result": "RÉSULTAT : R-134a NON PUR",
    },
    "es": {
        "mock": "Maqueta de capacitación · marca ficticia",
        "gas": "Refrigerante HFC-134a",
        "net": "Peso neto 13.6 kg",
        "nonrefill": "CILINDRO NO RELLENABLE · NO RELLENAR",
        "readout": "IDENTIFICADOR DE REFRIGERANTES · MUESTRA 07",
        "other": "Otros (incl. hidrocarburos)",
        "result": "RESULTADO: NO ES R-134a PURO",
    },
}

LABEL_REGIONS: dict[str, Rect] = {
    "brand": (250, 90, 400, 50),
    "refrigerant-name": (250, 150, 400, 90),
    "un-number": (250, 250, 190, 50),
    "net-weight": (460, 250, 190, 50),
    "non-refillable": (250, 320, 400, 56),
}


def draw_cylinder_label(lang: str) -> None:
    """A cylinder beside a close-up of its label; every marking is a hotspot region."""
    words = LABEL_WORDS[lang]
    image = Image.new("RGB", (700, 440), (230, 233, 236))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(box((50, 90, 150, 300)), radius=40, fill=LIGHT_GREEN_GREY, outline=GREY, width=2)
    draw.rectangle(box((95, 50, 60, 44)), fill=STEEL, outline=GREY)  # valve
    draw.rectangle(box((62, 170, 126, 110)), fill=PAPER, outline=GREY)
    draw.line([(200, 180), (240, 120)], fill=GREY, width=2)
    draw.line([(200, 270), (240, 380)], fill=GREY, width=2)
    draw.rectangle(box((240, 80, 420, 306)), fill=PAPER, outline=INK, width=2)
    texts = {
        "brand": ("POLARMAX", font(26, bold=True), INK),
        "refrigerant-name": ("R-134a", font(54, bold=True), INK),
        "un-number": ("UN 3159", font(22, bold=True), INK),
        "net-weight": (words["net"], font(17), INK),
        "non-refillable": (words["nonrefill"], font(15, bold=True), ALERT),
    }
    for name, (text, face, colour) in texts.items():
        x, y, w, h = LABEL_REGIONS[name]
        lines = wrap(draw, text, face, w - 12)
        for i, line in enumerate(lines):
            top = y + h // 2 + (i - (len(lines) - 1) / 2) * (face.size + 4)
            draw.text((x + w // 2, top), line, font=face, fill=colour, anchor="mm")
    x, y, w, h = LABEL_REGIONS["refrigerant-name"]
    draw.text((x + w // 2, y + h - 8), words["gas"], font=font(15), fill=GREY, anchor="mm")
    draw.text((350, 420), words["mock"], font=font(13), fill=ALERT, anchor="mm")
    save(image, "cylinder-label.png", lang)
    if lang == LANGUAGES[0]:
        for name, rect in LABEL_REGIONS.items():
            region(name, "cylinder-label.png", rect)


#: one published test of a counterfeit "R-134a" cylinder: 96% R-22 and 1.3% R-134a
READOUT = (("R-22", "96.0 %"), ("R-134a", "1.3 %"), ("other", "2.7 %"))


def draw_readout(lang: str) -> None:
    words = LABEL_WORDS[lang]
    image = Image.new("RGB", (600, 360), (210, 214, 218))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(box((30, 20, 540, 320)), radius=24, fill=(60, 66, 74))
    draw.rectangle(box((60, 50, 480, 250)), fill=(214, 232, 206))
    draw.text((300, 75), words["readout"], font=font(15, bold=True), fill=INK, anchor="mm")
    decimal = "," if lang == "fr" else "."
    for i, (gas, share) in enumerate(READOUT):
        label = words["other"] if gas == "other" else gas
        draw.text((90, 115 + i * 36), label, font=font(20), fill=INK, anchor="lm")
        draw.text((510, 115 + i * 36), share.replace(".", decimal), font=font(20, bold=True), fill=INK, anchor="rm")
    draw.text((300, 228), words["result"], font=font(18, bold=True), fill=ALERT, anchor="mm")
    for i in range(3):
        draw.ellipse(box((180 + i * 90, 268, 48, 36)), fill=(110, 118, 128))
    save(image, "identifier-readout.png", lang)


def cylinder(draw: ImageDraw.ImageDraw, x: int, body: tuple[int, int, int], band: tuple[int, int, int] | None) -> None:
    draw.rounded_rectangle(box((x, 70, 120, 250)), radius=34, fill=body, outline=GREY, width=2)
    draw.rectangle(box((x + 40, 36, 40, 38)), fill=STEEL, outline=GREY)
    if band:
        draw.rectangle(box((x + 4, 96, 112, 26)), fill=band)


def draw_band_choices() -> None:
    """Light green-grey cylinders with and without the red top band, and one in an old body colour."""
    for name, body, band in (("cylinder-red-band.png", LIGHT_GREEN_GREY, ALERT),
                             ("cylinder-plain.png", LIGHT_GREEN_GREY, None),
                             ("cylinder-old-colour.png", (120, 186, 120), None)):
        image = Image.new("RGB", (240, 340), (236, 238, 240))
        cylinder(ImageDraw.Draw(image), 60, body, band)
        save(image, name)


# --- Case: "used batteries for reuse" to Mexico ------------------------------------------------

def draw_battery_load() -> None:
    """Car batteries heaped loose on a trailer, some cracked with acid crust (no words)."""
    rng = random.Random(11)
    image = Image.new("RGB", (760, 420), (214, 222, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle(box((30, 300, 700, 24)), fill=(90, 90, 96))  # trailer bed
    for x in (90, 200, 560, 670):
        draw.ellipse(box((x - 30, 310, 60, 60)), fill=(40, 40, 44))
    for i in range(46):
        bx = 50 + rng.randint(0, 600)
        by = 250 - rng.randint(0, 120) + abs(bx - 350) // 4
        w, h = (70, 50) if rng.random() < 0.6 else (50, 70)
        draw.rectangle(box((bx, by, w, h)), fill=(52, 58, 66), outline=(20, 22, 26))
        draw.rectangle(box((bx + 8, by - 6, 10, 6)), fill=(180, 60, 50))
        draw.rectangle(box((bx + w - 18, by - 6, 10, 6)), fill=(40, 40, 44))
        if i % 5 == 0:  # a cracked casing with white crust and an acid stain
            crack = [(bx + 10, by + 10), (bx + w // 2, by + h // 2), (bx + w - 12, by + h - 8)]
            draw.line(crack, fill=(228, 226, 214), width=3)
            draw.ellipse(box((bx + w // 2 - 14, by + h - 6, 34, 12)), fill=(196, 214, 120))
    save(image, "battery-load.png")


EXPORT_WORDS = {
    "en": {
        "title": "EXPORT DATA SUMMARY (EEI) — training mock-up, fictional data",
        "exporter": "US exporter",
        "consignee": "Ultimate consignee (Mexico)",
        "description": "Commodity description",
        "description_value": "Used batteries for reuse",
        "hs": "HS code declared",
        "quantity": "Quantity",
        "port": "Port of export",
        "license": "License code",
        "consent": "EPA consent number",
        "blank": "(blank)",
    },
    "fr": {
        "title": "RÉSUMÉ DES DONNÉES D'EXPORTATION (EEI) — maquette de formation, données fictives",
        "exporter": "Exportateur américain",
        "consignee": "Destinataire final (Mexique)",
        "description": "Désignation de la marchandise",
        "description_value": "Batteries usagées pour réutilisation",
        "hs": "Code SH déclaré",
        "quantity": "Quantité",
        "port": "Port d'exportation",
        "license": "Code de licence",
        "consent": "Numéro de consentement de l'EPA",
        "blank": "(vide)",
    },
    "es": {
        "title": "RESUMEN DE DATOS DE EXPORTACIÓN (EEI) — maqueta de capacitación, datos ficticios",
        "exporter": "Exportador estadounidense",
        "consignee": "Destinatario final (México)",
        "description": "Descripción de la mercancía",
        "description_value": "Baterías usadas para reúso",
        "hs": "Código SA declarado",
        "quantity": "Cantidad",
        "port": "Puerto de exportación",
        "license": "Código de licencia",
        "consent": "Número de consentimiento de la EPA",
        "blank": "(en blanco)",
    },
}

EXPORT_REGIONS: dict[str, Rect] = {
    "exporter": (30, 70, 340, 70),
    "consignee": (390, 70, 340, 70),
    "description": (30, 160, 340, 70),
    "hs-code": (390, 160, 340, 70),
    "quantity": (30, 250, 340, 70),
    "port": (390, 250, 340, 70),
    "license": (30, 340, 340, 70),
    "consent": (390, 340, 340, 70),
}


def draw_export_record(lang: str) -> None:
    words = EXPORT_WORDS[lang]
    values = {
        "exporter": "Red River Core Traders LLC",
        "consignee": "Reciclados del Bravo S.A. de C.V.",
        "description": words["description_value"],
        "hs-code": "8548.10",
        "quantity": {"fr": "18 000 kg"}.get(lang, "18,000 kg"),
        "port": "Laredo, TX",
        "license": words["blank"],
        "consent": words["blank"],
    }
    image = Image.new("RGB", (760, 430), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle(box((10, 10, 740, 410)), outline=INK, width=2)
    for i, line in enumerate(wrap(draw, words["title"], font(16, bold=True), 700)):
        draw.text((380, 30 + i * 20), line, font=font(16, bold=True), fill=INK, anchor="mm")
    for name, rect in EXPORT_REGIONS.items():
        label = words["hs"] if name == "hs-code" else words[name]
        form_field(draw, rect, label, values[name], flagged=values[name] == words["blank"])
    save(image, "export-record.png", lang)
    if lang == LANGUAGES[0]:
        for name, rect in EXPORT_REGIONS.items():
            region(name, "export-record.png", rect)


# --- Case: ODS paperwork that does not match (words: one per language) -------------------------

PAPERS_WORDS = {
    "en": {
        "mock": "Training mock-up: names and numbers are fictional.",
        "invoice": "COMMERCIAL INVOICE",
        "permit": "IMPORT PERMIT",
        "importer": "Importer",
        "holder": "Permit holder",
        "goods": "Goods",
        "substance": "Substance",
        "goods_value": "HFC-134a, 200 cylinders",
        "container": "Container no. (from the B/L)",
        "validity": "Valid until",
        "quantity": "Authorised quantity",
        "permit_no": "Permit no.",
    },
    "fr": {
        "mock": "Maquette de formation : noms et numéros fictifs.",
        "invoice": "FACTURE COMMERCIALE",
        "permit": "PERMIS D'IMPORTATION",
        "importer": "Importateur",
        "holder": "Titulaire du permis",
        "goods": "Marchandises",
        "substance": "Substance",
        "goods_value": "HFC-134a, 200 bouteilles",
        "container": "Nº de conteneur (selon le connaissement)",
        "validity": "Valide jusqu'au",
        "quantity": "Quantité autorisée",
        "permit_no": "Nº du permis",
    },
    "es": {
        "mock": "Maqueta de capacitación: nombres y números ficticios.",
        "invoice": "FACTURA COMERCIAL",
        "permit": "PERMISO DE IMPORTACIÓN",
        "importer": "Importador",
        "holder": "Titular del permiso",
        "goods": "Mercancías",
        "substance": "Sustancia",
        "goods_value": "HFC-134a, 200 cilindros",
        "container": "Núm. de contenedor (según el conocimiento de embarque)",
        "validity": "Vigente hasta",
        "quantity": "Cantidad autorizada",
        "permit_no": "Núm. de permiso",
    },
}

PAPERS_REGIONS: dict[str, Rect] = {
    "invoice-importer": (30, 90, 330, 66),
    "invoice-goods": (30, 170, 330, 66),
    "invoice-container": (30, 250, 330, 66),
    "permit-holder": (400, 90, 330, 66),
    "permit-substance": (400, 170, 330, 66),
    "permit-quantity": (400, 250, 330, 66),
    "permit-validity": (400, 330, 330, 66),
}


def draw_papers(lang: str) -> None:
    words = PAPERS_WORDS[lang]
    values = {
        "invoice-importer": (words["importer"], "Frío Total Distribuidora S.A. de C.V."),
        "invoice-goods": (words["goods"], words["goods_value"]),
        "invoice-container": (words["container"], "ZZXU 000000-0"),
        "permit-holder": (words["holder"], "Refrigeración Norteña S.A. de C.V."),
        "permit-substance": (words["substance"], "HFC-134a"),
        "permit-quantity": (words["quantity"], {"fr": "2 720 kg"}.get(lang, "2,720 kg")),
        "permit-validity": (words["validity"], "2026-12-31"),
    }
    image = Image.new("RGB", (760, 440), (226, 230, 234))
    draw = ImageDraw.Draw(image)
    for left, title in ((20, words["invoice"]), (390, words["permit"])):
        draw.rectangle(box((left, 20, 350, 390)), fill=PAPER, outline=INK, width=2)
        draw.text((left + 175, 50), title, font=font(18, bold=True), fill=INK, anchor="mm")
    draw.text((205, 372), "INV-7731", font=font(14), fill=GREY, anchor="mm")
    draw.text((380, 425), words["mock"], font=font(13), fill=ALERT, anchor="mm")
    for name, rect in PAPERS_REGIONS.items():
        label, value = values[name]
        form_field(draw, rect, label, value)
    save(image, "ods-papers.png", lang)
    if lang == LANGUAGES[0]:
        for name, rect in PAPERS_REGIONS.items():
            region(name, "ods-papers.png", rect)


# --- Case: "used televisions for repair" leaving Canada (no words) -----------------------------

def draw_tv_load() -> None:
    """Televisions loaded loose in bulk, unwrapped, some with cracked screens (no words)."""
    rng = random.Random(5)
    image = Image.new("RGB", (760, 440), (210, 214, 218))
    draw = ImageDraw.Draw(image)
    draw.rectangle(box((30, 30, 700, 380)), fill=(70, 76, 84))
    for i in range(40):
        x = 50 + (i % 8) * 82 + rng.randint(-8, 8)
        y = 300 - (i // 8) * 62 + rng.randint(-6, 6)
        w, h = 76, 54
        draw.rectangle(box((x, y, w, h)), fill=(30, 32, 36), outline=(110, 114, 120))
        draw.rectangle(box((x + 5, y + 5, w - 10, h - 14)), fill=(40, 52, 70))
        if i % 4 == 1:
            cx, cy = x + w // 2, y + h // 2 - 4
            for dx, dy in ((-22, -14), (20, -16), (24, 12), (-18, 14)):
                draw.line([(cx, cy), (cx + dx, cy + dy)], fill=(220, 224, 230), width=2)
    draw.rectangle(box((30, 410, 700, 12)), fill=STEEL)
    save(image, "tv-load.png")


def main() -> None:
    draw_carry_on()
    draw_rosewood_load()
    draw_schreger_choices()
    draw_bangle()
    draw_handbags()
    draw_band_choices()
    draw_battery_load()
    draw_tv_load()
    for lang in LANGUAGES:
        draw_sequence(lang)
        draw_invoice(lang)
        draw_cylinder_label(lang)
        draw_readout(lang)
        draw_export_record(lang)
        draw_papers(lang)


if __name__ == "__main__":
    main()
