"""Draw the original illustrations of the `hazardous-waste` course.

Run from the repository root: `python tools/illustrations/hazardous-waste.py`.
Images without words go to courses/hazardous-waste/media/; images with words get one copy per
language in courses/hazardous-waste/<lang>/media/ with the same layout, so hotspot regions are
shared by the three languages. The script prints every hotspot region to copy into quizzes/*.yaml.
The shipment details on the mock movement document are fictional.
"""

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

COURSE = Path(__file__).resolve().parents[2] / "courses" / "hazardous-waste"
FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
LANGUAGES = ("en", "fr", "es")

INK = (34, 40, 49)
PAPER = (255, 255, 255)
GREY = (120, 126, 134)
LIGHT = (236, 239, 242)
SEA = (214, 232, 244)
BORDER_RED = (176, 36, 36)
BATTERY = (52, 58, 66)
BATTERY_TOP = (84, 92, 102)
CRUST = (228, 226, 214)
ACID = (196, 214, 120)
WOOD = (190, 150, 96)
CARDBOARD = (204, 170, 120)
SCREEN = (40, 52, 70)

Rect = tuple[int, int, int, int]


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(BOLD_PATH if bold else FONT_PATH, size)


def save(image: Image.Image, name: str, lang: str | None = None) -> None:
    """Save as an optimised palette PNG: flat drawings stay well under 60 KB."""
    folder = COURSE / lang / "media" if lang else COURSE / "media"
    folder.mkdir(parents=True, exist_ok=True)
    image.convert("P", palette=Image.Palette.ADAPTIVE, colors=64).save(folder / name, optimize=True)


def region(name: str, image_name: str, rect: Rect) -> None:
    print(f"{image_name}: {{id: {name}, rect: [{rect[0]}, {rect[1]}, {rect[2]}, {rect[3]}]}}")


def wrap(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=face) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def centred(draw: ImageDraw.ImageDraw, box: Rect, text: str, face: ImageFont.FreeTypeFont) -> None:
    """Write wrapped text centred in an (x, y, width, height) box."""
    x, y, w, h = box
    lines = wrap(draw, text, face, w - 16)
    line_h = face.size + 4
    top = y + (h - line_h * len(lines)) // 2
    for i, line in enumerate(lines):
        draw.text((x + w // 2, top + i * line_h + line_h // 2), line, font=face, fill=INK, anchor="mm")


# --- Map of the three countries (words: one per language) ----------------------------------------

MAP_WORDS = {
    "en": {
        "canada": "CANADA",
        "us": "UNITED STATES",
        "mexico": "MEXICO",
        "party": "Basel Party",
        "non_party": "Not a Basel Party (signed 1990)",
        "legend": "All three countries are OECD members.",
    },
    "fr": {
        "canada": "CANADA",
        "us": "ÉTATS-UNIS",
        "mexico": "MEXIQUE",
        "party": "Partie à la Convention de Bâle",
        "non_party": "Non-Partie (signature en 1990)",
        "legend": "Les trois pays sont membres de l'OCDE.",
    },
    "es": {
        "canada": "CANADÁ",
        "us": "ESTADOS UNIDOS",
        "mexico": "MÉXICO",
        "party": "Parte del Convenio de Basilea",
        "non_party": "No es Parte (firmó en 1990)",
        "legend": "Los tres países son miembros de la OCDE.",
    },
}

MAP_SIZE = (760, 560)
CANADA = [(30, 30), (730, 30), (730, 215), (610, 215), (560, 200), (30, 200)]
USA = [
    (30, 200),
    (560, 200),
    (610, 215),
    (730, 215),
    (700, 330),
    (560, 370),
    (470, 360),
    (330, 360),
    (200, 340),
    (60, 330),
    (30, 280),
]
MEXICO = [
    (200, 340),
    (330, 360),
    (470, 360),
    (440, 420),
    (470, 470),
    (520, 500),
    (560, 525),
    (470, 530),
    (360, 480),
    (280, 420),
    (220, 380),
]
CA_US_BORDER = [(30, 200), (560, 200), (610, 215), (730, 215)]
US_MX_BORDER = [(200, 340), (330, 360), (470, 360)]
#: click areas around each border line; they do not overlap
MAP_REGIONS: dict[str, Rect] = {"canada-us-border": (30, 180, 700, 55), "us-mexico-border": (190, 322, 290, 55)}


def draw_map(lang: str) -> None:
    words = MAP_WORDS[lang]
    image = Image.new("RGB", MAP_SIZE, SEA)
    draw = ImageDraw.Draw(image)
    draw.polygon(CANADA, fill=(232, 227, 211), outline=GREY)
    draw.polygon(USA, fill=(240, 234, 218), outline=GREY)
    draw.polygon(MEXICO, fill=(226, 216, 190), outline=GREY)
    draw.line(CA_US_BORDER, fill=BORDER_RED, width=5)
    draw.line(US_MX_BORDER, fill=BORDER_RED, width=5)
    draw.text((380, 100), words["canada"], font=font(26, bold=True), fill=INK, anchor="mm")
    draw.text((380, 135), words["party"], font=font(16), fill=INK, anchor="mm")
    draw.text((380, 262), words["us"], font=font(26, bold=True), fill=INK, anchor="mm")
    draw.text((380, 295), words["non_party"], font=font(16), fill=INK, anchor="mm")
    draw.text((390, 400), words["mexico"], font=font(22, bold=True), fill=INK, anchor="mm")
    for i, line in enumerate(wrap(draw, words["party"], font(14), 150)):
        draw.text((590, 410 + i * 18), line, font=font(14), fill=INK, anchor="mm")
    draw.line([(520, 410), (455, 400)], fill=GREY, width=1)
    draw.text((20, 540), words["legend"], font=font(14), fill=INK, anchor="lm")
    save(image, "north-america-map.png", lang)


# --- Mock movement document (words: one per language) -------------------------------------------

DOC_WORDS = {
    "en": {
        "title": "MOVEMENT DOCUMENT — transboundary movement of wastes",
        "mock": "Training mock-up: not an official form. Names and numbers are fictional.",
        "exporter": "1. Exporter (name, address)",
        "notification": "2. Notification no. (general or single)",
        "generator": "3. Generator and place of generation",
        "disposer": "4. Disposer and disposal site",
        "carrier1": "5a. First carrier: name, date taken in charge, signature",
        "carrier2": "5b. Second carrier: name, date taken in charge, signature",
        "transport": "6. Means of transport; point of exit and point of entry",
        "start": "7. Date the movement started",
        "waste": "8. Waste description: UN shipping name, class and number; Y and H codes",
        "packages": "9. Packages: type and number",
        "quantity": "10. Quantity (kg)",
        "handling": "11. Special handling and emergency provisions",
        "declaration": "12. Declaration by the generator / exporter: signature",
        "certificate": "13. Disposer's certificate: receipt, disposal method, date, signature",
        "single": "single",
        "transport_value": "Truck · exit: Laredo, TX (US) · entry: Nuevo Laredo, Tamps. (MX)",
        "waste_value": "Batteries, wet, filled with acid · Class 8 · UN 2794 · Y31 · Basel A1160",
        "packages_value": "20 pallets",
        "handling_value": "Keep terminals protected against short circuit; corrosive",
        "signed": "signed",
    },
    "fr": {
        "title": "DOCUMENT DE MOUVEMENT — mouvement transfrontière de déchets",
        "mock": "Maquette de formation : pas un formulaire officiel. Noms et numéros fictifs.",
        "exporter": "1. Exportateur (nom, adresse)",
        "notification": "2. Nº de notification (générale ou unique)",
        "generator": "3. Producteur et lieu de production",
        "disposer": "4. Éliminateur et site d'élimination",
        "carrier1": "5a. Premier transporteur : nom, date de prise en charge, signature",
        "carrier2": "5b. Deuxième transporteur : nom, date de prise en charge, signature",
        "transport": "6. Moyen de transport; point de sortie et point d'entrée",
        "start": "7. Date de début du mouvement",
        "waste": "8. Description des déchets : appellation réglementaire, classe et numéro ONU; codes Y et H",
        "packages": "9. Colis : type et nombre",
        "quantity": "10. Quantité (kg)",
        "handling": "11. Précautions particulières de manutention et mesures d'urgence",
        "declaration": "12. Déclaration du producteur / de l'exportateur : signature",
        "certificate": "13. Certificat de l'éliminateur : réception, méthode d'élimination, date, signature",
        "single": "unique",
        "transport_value": "Camion · sortie : Laredo, TX (É.-U.) · entrée : Nuevo Laredo, Tamps. (MX)",
        "waste_value": "Batteries, wet, filled with acid · Classe 8 · UN 2794 · Y31 · Bâle A1160",
        "packages_value": "20 palettes",
        "handling_value": "Protéger les bornes contre les courts-circuits; corrosif",
        "signed": "signé",
    },
    "es": {
        "title": "DOCUMENTO DE MOVIMIENTO — movimiento transfronterizo de desechos",
        "mock": "Maqueta de capacitación: no es un formato oficial. Nombres y números ficticios.",
        "exporter": "1. Exportador (nombre, domicilio)",
        "notification": "2. Núm. de notificación (general o singular)",
        "generator": "3. Generador y lugar de generación",
        "disposer": "4. Eliminador y sitio de eliminación",
        "carrier1": "5a. Primer transportista: nombre, fecha en que se hace cargo, firma",
        "carrier2": "5b. Segundo transportista: nombre, fecha en que se hace cargo, firma",
        "transport": "6. Medio de transporte; punto de salida y punto de entrada",
        "start": "7. Fecha de inicio del movimiento",
        "waste": "8. Descripción de los desechos: designación oficial de transporte, clase y número ONU; códigos Y y H",
        "packages": "9. Bultos: tipo y número",
        "quantity": "10. Cantidad (kg)",
        "handling": "11. Precauciones especiales de manejo y medidas de emergencia",
        "declaration": "12. Declaración del generador / exportador: firma",
        "certificate": "13. Certificado del eliminador: recepción, método de eliminación, fecha, firma",
        "single": "singular",
        "transport_value": "Camión · salida: Laredo, TX (EUA) · entrada: Nuevo Laredo, Tamps. (MX)",
        "waste_value": "Batteries, wet, filled with acid · Clase 8 · UN 2794 · Y31 · Basilea A1160",
        "packages_value": "20 tarimas",
        "handling_value": "Proteger las terminales contra cortocircuito; corrosivo",
        "signed": "firmado",
    },
}

DOC_SIZE = (760, 1000)
LEFT, MID, RIGHT = 20, 380, 740
#: field id -> (x, y, width, height); also the hotspot regions
DOC_FIELDS: dict[str, Rect] = {
    "exporter": (LEFT, 100, MID - LEFT, 90),
    "notification": (MID, 100, RIGHT - MID, 90),
    "generator": (LEFT, 190, MID - LEFT, 90),
    "disposer": (MID, 190, RIGHT - MID, 90),
    "carrier1": (LEFT, 280, MID - LEFT, 100),
    "carrier2": (MID, 280, RIGHT - MID, 100),
    "transport": (LEFT, 380, MID - LEFT, 90),
    "start": (MID, 380, RIGHT - MID, 90),
    "waste": (LEFT, 470, RIGHT - LEFT, 90),
    "packages": (LEFT, 560, MID - LEFT, 80),
    "quantity": (MID, 560, RIGHT - MID, 80),
    "handling": (LEFT, 640, RIGHT - LEFT, 80),
    "declaration": (LEFT, 720, RIGHT - LEFT, 90),
    "certificate": (LEFT, 810, RIGHT - LEFT, 150),
}


def doc_values(words: dict[str, str]) -> dict[str, str]:
    """The fictional entries; the second carrier and the disposer's certificate are left blank."""
    return {
        "exporter": "Northline Battery Collection Inc., Ohio, USA",
        "notification": f"US-0000-TRAINING · {words['single']}",
        "generator": "Northline Battery Collection Inc., Ohio, USA",
        "disposer": "Fundidora Ejemplo S.A. de C.V., Nuevo León, MX",
        "carrier1": f"Great Lakes Haulage LLC · 2026-03-02 · {words['signed']}",
        "carrier2": "",
        "transport": words["transport_value"],
        "start": "2026-03-02",
        "waste": words["waste_value"],
        "packages": words["packages_value"],
        "quantity": "18 000",
        "handling": words["handling_value"],
        "declaration": f"J. Doe · 2026-03-01 · {words['signed']}",
        "certificate": "",
    }


def draw_movement_document(lang: str) -> None:
    words = DOC_WORDS[lang]
    image = Image.new("RGB", DOC_SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, DOC_SIZE[0] - 1, 86), fill=LIGHT)
    draw.text((DOC_SIZE[0] // 2, 30), words["title"], font=font(18, bold=True), fill=INK, anchor="mm")
    draw.text((DOC_SIZE[0] // 2, 62), words["mock"], font=font(13), fill=BORDER_RED, anchor="mm")
    values = doc_values(words)
    label_face, value_face = font(13, bold=True), font(15)
    for field, (x, y, w, h) in DOC_FIELDS.items():
        draw.rectangle((x, y, x + w, y + h), outline=INK, width=2)
        lines = wrap(draw, words[field], label_face, w - 16)
        for i, line in enumerate(lines):
            draw.text((x + 8, y + 6 + i * 17), line, font=label_face, fill=INK)
        top = y + 10 + len(lines) * 17
        for i, line in enumerate(wrap(draw, values[field], value_face, w - 16)):
            draw.text((x + 8, top + i * 20), line, font=value_face, fill=(20, 60, 140))
    save(image, "movement-document.png", lang)


# --- Batteries and electronics (no words) -------------------------------------------------------


def battery(
    draw: ImageDraw.ImageDraw, x: int, y: int, w: int = 70, h: int = 50, cracked: bool = False, capped: bool = False
) -> None:
    """A car battery seen from the side, terminals on top; caps show short-circuit protection."""
    draw.rectangle((x, y, x + w, y + h), fill=BATTERY, outline=INK)
    draw.rectangle((x, y, x + w, y + 8), fill=BATTERY_TOP)
    for tx, colour in ((x + 10, (200, 40, 40)), (x + w - 22, INK)):
        draw.rectangle((tx, y - 8, tx + 12, y), fill=colour if capped else (170, 170, 170), outline=INK)
    if cracked:
        draw.line([(x + 20, y + 10), (x + 30, y + 24), (x + 24, y + 34), (x + 36, y + h)], fill=CRUST, width=3)
        draw.ellipse((x + 6, y - 14, x + 30, y - 4), fill=CRUST)
        draw.ellipse((x + 14, y + h - 4, x + 56, y + h + 8), fill=ACID)


def draw_slab_bulk() -> None:
    """Batteries heaped loose on a trailer floor: some cracked, terminals bare, no pallet."""
    image = Image.new("RGB", (480, 320), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 270, 470, 300), fill=(150, 150, 150), outline=INK)
    rng = random.Random(7)
    for row, y in enumerate((210, 160, 115, 75)):
        for i in range(6 - row):
            x = 30 + row * 35 + i * 72 + rng.randint(-10, 10)
            battery(draw, x, y + rng.randint(-6, 6), cracked=rng.random() < 0.35)
    save(image, "slab-load-bulk.png")


def draw_slab_packed() -> None:
    """Batteries upright in rows on a pallet, terminals capped, separator sheets, stretch wrap."""
    image = Image.new("RGB", (480, 320), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 270, 440, 300), fill=WOOD, outline=INK)
    for y in (205, 135):
        for i in range(5):
            battery(draw, 55 + i * 77, y, capped=True)
        draw.rectangle((48, y + 52, 432, y + 58), fill=CARDBOARD, outline=INK)
    for y in range(130, 268, 22):
        draw.line([(44, y), (436, y + 6)], fill=(170, 200, 220), width=2)
    save(image, "slab-load-packed.png")


#: click areas of the five batteries in slab-row.png (the third one is cracked)
SLAB_ROW: dict[str, Rect] = {f"battery-{n}": (20 + (n - 1) * 150, 90, 120, 150) for n in range(1, 6)}


def draw_slab_row() -> None:
    image = Image.new("RGB", (760, 280), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 245, 759, 279), fill=(150, 150, 150))
    for name, (x, y, _, _) in SLAB_ROW.items():
        battery(draw, x + 10, y + 40, w=100, h=90, cracked=name == "battery-3", capped=True)
    save(image, "slab-row.png")


def television(draw: ImageDraw.ImageDraw, x: int, y: int, cracked: bool = False, angle: int = 0) -> None:
    w, h = 90, 60
    shift = angle
    draw.polygon([(x, y + shift), (x + w, y), (x + w, y + h), (x, y + h + shift)], fill=INK)
    draw.polygon(
        [(x + 6, y + 6 + shift), (x + w - 6, y + 6), (x + w - 6, y + h - 6), (x + 6, y + h - 6 + shift)], fill=SCREEN
    )
    if cracked:
        cx, cy = x + w // 2, y + h // 2
        for dx, dy in ((-30, -18), (25, -20), (30, 15), (-20, 20), (5, 24)):
            draw.line([(cx, cy), (cx + dx, cy + dy)], fill=(220, 230, 240), width=2)


def draw_tv_bulk() -> None:
    """Televisions heaped loose, no packaging, several cracked screens."""
    image = Image.new("RGB", (480, 320), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 280, 470, 305), fill=(150, 150, 150), outline=INK)
    rng = random.Random(3)
    for row, y in enumerate((215, 160, 110, 65)):
        for i in range(5 - row):
            television(
                draw,
                25 + row * 40 + i * 95 + rng.randint(-8, 8),
                y + rng.randint(-5, 5),
                cracked=rng.random() < 0.45,
                angle=rng.randint(-12, 12),
            )
    save(image, "tv-load-bulk.png")


def draw_tv_boxed() -> None:
    """Televisions each in its own box with corner protection, stacked on a pallet."""
    image = Image.new("RGB", (480, 320), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 270, 440, 300), fill=WOOD, outline=INK)
    for y in (190, 110, 30):
        for i in range(3):
            x = 55 + i * 128
            draw.rectangle((x, y, x + 118, y + 78), fill=CARDBOARD, outline=INK, width=2)
            draw.rectangle((x + 24, y + 18, x + 94, y + 58), outline=INK, width=2)
            draw.line([(x + 59, y + 58), (x + 59, y + 66)], fill=INK, width=2)
            for cx, cy in ((x, y), (x + 108, y), (x, y + 68), (x + 108, y + 68)):
                draw.rectangle((cx, cy, cx + 10, cy + 10), fill=PAPER, outline=INK)
            # an upward-arrows handling mark, drawn rather than written
            draw.polygon([(x + 104, y + 30), (x + 98, y + 40), (x + 110, y + 40)], fill=INK)
    save(image, "tv-load-boxed.png")


def draw_tv_mixed() -> None:
    """Screens and circuit boards thrown in with metal scrap, loose on the floor."""
    image = Image.new("RGB", (480, 320), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 280, 470, 305), fill=(150, 150, 150), outline=INK)
    rng = random.Random(11)
    for _ in range(14):
        x, y = rng.randint(20, 400), rng.randint(150, 250)
        draw.polygon(
            [
                (x, y),
                (x + rng.randint(30, 70), y + rng.randint(-15, 15)),
                (x + rng.randint(20, 60), y + rng.randint(20, 40)),
            ],
            fill=(140, 120, 100),
            outline=INK,
        )
    for x, y in ((40, 190), (210, 170), (330, 200)):
        television(draw, x, y, cracked=True, angle=rng.randint(-14, 14))
    for x, y in ((140, 225), (290, 240), (380, 150)):
        draw.rectangle((x, y, x + 50, y + 30), fill=(40, 120, 70), outline=INK)
        for i in range(4):
            draw.line([(x + 6 + i * 11, y + 5), (x + 6 + i * 11, y + 25)], fill=(210, 190, 90), width=2)
    save(image, "tv-load-mixed.png")


# --- Waste-or-goods decision chart (words: one per language) ------------------------------------

CHART_WORDS = {
    "en": {
        "q1": "Is each item tested and working?",
        "q2": "Is each item individually protected against damage?",
        "q3": "Traded item by item (not by weight), not mixed with scrap?",
        "yes": "yes",
        "no": "no",
        "goods": "Indicators of used goods: still check the declaration and documents",
        "waste": "Indicators of waste (e-waste, HS 8549): hold and call the competent authority",
    },
    "fr": {
        "q1": "Chaque article est-il testé et fonctionnel?",
        "q2": "Chaque article est-il protégé individuellement?",
        "q3": "Vendu à l'unité (et non au poids), sans mélange avec des débris?",
        "yes": "oui",
        "no": "non",
        "goods": "Indices de biens usagés : vérifier quand même la déclaration et les documents",
        "waste": "Indices de déchets (DEEE, SH 8549) : retenir l'envoi et appeler l'autorité compétente",
    },
    "es": {
        "q1": "¿Cada artículo está probado y funciona?",
        "q2": "¿Cada artículo tiene protección individual contra daños?",
        "q3": "¿Se comercia por pieza (no por peso) y sin mezcla con chatarra?",
        "yes": "sí",
        "no": "no",
        "goods": "Indicios de bienes usados: aun así revise la declaración y los documentos",
        "waste": "Indicios de desechos (RAEE, SA 8549): retenga y llame a la autoridad competente",
    },
}


def draw_chart(lang: str) -> None:
    words = CHART_WORDS[lang]
    image = Image.new("RGB", (760, 520), PAPER)
    draw = ImageDraw.Draw(image)
    face, small = font(16), font(14, bold=True)
    questions = [(40, 30 + i * 120, 400, 80) for i in range(3)]
    goods, waste = (40, 400, 400, 90), (500, 150, 240, 220)
    for key, box in zip(("q1", "q2", "q3"), questions, strict=True):
        x, y, w, h = box
        draw.rounded_rectangle((x, y, x + w, y + h), 12, fill=LIGHT, outline=INK, width=2)
        centred(draw, box, words[key], face)
        draw.line([(x + w, y + h // 2), (500, y + h // 2 if y + h // 2 > 150 else 170)], fill=BORDER_RED, width=3)
        draw.text((x + w + 14, y + h // 2 - 18), words["no"], font=small, fill=BORDER_RED)
        draw.line([(x + w // 2, y + h), (x + w // 2, y + h + 40)], fill=(30, 110, 60), width=3)
        draw.text((x + w // 2 + 10, y + h + 10), words["yes"], font=small, fill=(30, 110, 60))
    draw.rounded_rectangle(
        (goods[0], goods[1], goods[0] + goods[2], goods[1] + goods[3]), 12, fill=(220, 240, 226), outline=INK, width=2
    )
    centred(draw, goods, words["goods"], face)
    draw.rounded_rectangle(
        (waste[0], waste[1], waste[0] + waste[2], waste[1] + waste[3]), 12, fill=(250, 224, 220), outline=INK, width=2
    )
    centred(draw, waste, words["waste"], face)
    save(image, "waste-or-goods-chart.png", lang)


def main() -> None:
    for lang in LANGUAGES:
        draw_map(lang)
        draw_movement_document(lang)
        draw_chart(lang)
    draw_slab_bulk()
    draw_slab_packed()
    draw_slab_row()
    draw_tv_bulk()
    draw_tv_boxed()
    draw_tv_mixed()
    for name, rect in MAP_REGIONS.items():
        region(name, "north-america-map.png", rect)
    for name, rect in DOC_FIELDS.items():
        region(name, "movement-document.png", rect)
    for name, rect in SLAB_ROW.items():
        region(name, "slab-row.png", rect)


if __name__ == "__main__":
    main()
