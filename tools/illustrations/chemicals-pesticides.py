"""Draw the original illustrations of the `chemicals-pesticides` course.

Run from the repository root: `python tools/illustrations/chemicals-pesticides.py`.
Images without words go to courses/chemicals-pesticides/media/; images with words get one copy per
language in courses/chemicals-pesticides/<lang>/media/ with the same layout, so hotspot regions are
shared by the three languages. The script prints every hotspot region to copy into quizzes/*.yaml.
The hazard pictograms are simple shapes drawn here in the GHS style (black symbol, white ground,
red diamond border); they are not copies of the official artwork. Traders, brands, countries and
shipment details on the mock invoice, label and export declaration are fictional.
"""

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

COURSE = Path(__file__).resolve().parents[2] / "courses" / "chemicals-pesticides"
FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
LANGUAGES = ("en", "fr", "es")

INK = (20, 20, 20)
PAPER = (255, 255, 255)
GREY = (120, 126, 134)
LIGHT = (236, 239, 242)
RED = (200, 16, 30)
DRUM_BLUE = (46, 94, 160)
CYLINDER_GREEN = (120, 170, 120)
BATTERY = (52, 58, 66)
WOOD = (190, 150, 96)
STEEL = (168, 174, 182)
LABEL_CREAM = (250, 246, 228)
TIMELINE_BLUE = (40, 90, 150)

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


def wrap(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=face) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def write(draw: ImageDraw.ImageDraw, box: Rect, text: str, face: ImageFont.FreeTypeFont, centre: bool = False) -> None:
    """Write wrapped text in an (x, y, width, height) box, centred or from the top left."""
    x, y, w, h = box
    lines = wrap(draw, text, face, w - 16)
    line_h = face.size + 4
    top = y + (h - line_h * len(lines)) // 2 if centre else y + 8
    for i, line in enumerate(lines):
        if centre:
            draw.text((x + w // 2, top + i * line_h + line_h // 2), line, font=face, fill=INK, anchor="mm")
        else:
            draw.text((x + 8, top + i * line_h), line, font=face, fill=INK)


# --- Hazard pictograms in the GHS style (no words) -------------------------------------------------


def diamond(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    """The red-bordered white diamond every pictogram sits in."""
    outer = [(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)]
    inner_r = r * 0.86
    inner = [(cx, cy - inner_r), (cx + inner_r, cy), (cx, cy + inner_r), (cx - inner_r, cy)]
    draw.polygon(outer, fill=RED)
    draw.polygon(inner, fill=PAPER)


def flame_shape(cx: float, base: float, s: float) -> list[Point]:
    """A three-tongued flame standing on `base`, `s` units tall."""
    return [
        (cx - 0.32 * s, base),
        (cx - 0.40 * s, base - 0.35 * s),
        (cx - 0.22 * s, base - 0.62 * s),
        (cx - 0.16 * s, base - 0.40 * s),
        (cx - 0.02 * s, base - 1.00 * s),
        (cx + 0.14 * s, base - 0.55 * s),
        (cx + 0.24 * s, base - 0.72 * s),
        (cx + 0.40 * s, base - 0.30 * s),
        (cx + 0.32 * s, base),
    ]


def symbol_bomb(draw: ImageDraw.ImageDraw, cx: float, cy: float, s: float) -> None:
    draw.ellipse((cx - 0.22 * s, cy - 0.10 * s, cx + 0.22 * s, cy + 0.34 * s), fill=INK)
    draw.line([(cx + 0.10 * s, cy - 0.06 * s), (cx + 0.22 * s, cy - 0.24 * s)], fill=INK, width=max(2, int(s * 0.04)))
    for angle in range(200, 350, 30):
        a = math.radians(angle)
        x0, y0 = cx + 0.26 * s + 0.06 * s * math.cos(a), cy - 0.30 * s + 0.06 * s * math.sin(a)
        x1, y1 = cx + 0.26 * s + 0.14 * s * math.cos(a), cy - 0.30 * s + 0.14 * s * math.sin(a)
        draw.line([(x0, y0), (x1, y1)], fill=INK, width=max(2, int(s * 0.03)))


def symbol_flame(draw: ImageDraw.ImageDraw, cx: float, cy: float, s: float) -> None:
    draw.polygon(flame_shape(cx, cy + 0.30 * s, 0.62 * s), fill=INK)
    draw.rectangle((cx - 0.30 * s, cy + 0.32 * s, cx + 0.30 * s, cy + 0.37 * s), fill=INK)


def symbol_flame_circle(draw: ImageDraw.ImageDraw, cx: float, cy: float, s: float) -> None:
    ring = (cx - 0.20 * s, cy + 0.02 * s, cx + 0.20 * s, cy + 0.38 * s)
    draw.ellipse(ring, outline=INK, width=max(3, int(s * 0.07)))
    draw.polygon(flame_shape(cx, cy + 0.06 * s, 0.42 * s), fill=INK)


def symbol_cylinder(draw: ImageDraw.ImageDraw, cx: float, cy: float, s: float) -> None:
    # a gas bottle lying at a slant, body then neck and valve
    angle = math.radians(-25)
    body = [(-0.34, -0.11), (0.20, -0.11), (0.20, 0.11), (-0.34, 0.11)]
    neck = [(0.20, -0.06), (0.34, -0.06), (0.34, 0.06), (0.20, 0.06)]
    for shape in (body, neck):
        points = [
            (
                cx + s * (x * math.cos(angle) - y * math.sin(angle)),
                cy + 0.10 * s + s * (x * math.sin(angle) + y * math.cos(angle)),
            )
            for x, y in shape
        ]
        draw.polygon(points, fill=INK)


def symbol_corrosion(draw: ImageDraw.ImageDraw, cx: float, cy: float, s: float) -> None:
    # two tilted tubes dripping onto a bar and onto a hand, both shown eaten away
    for dx in (-0.16, 0.14):
        x = cx + dx * s
        draw.polygon(
            [
                (x - 0.04 * s, cy - 0.30 * s),
                (x + 0.06 * s, cy - 0.26 * s),
                (x + 0.02 * s, cy - 0.08 * s),
                (x - 0.06 * s, cy - 0.10 * s),
            ],
            fill=INK,
        )
        for k in range(2):
            y = cy - 0.02 * s + k * 0.09 * s
            draw.ellipse((x - 0.02 * s, y, x + 0.02 * s, y + 0.05 * s), fill=INK)
    draw.rectangle((cx - 0.30 * s, cy + 0.22 * s, cx - 0.04 * s, cy + 0.30 * s), fill=INK)
    draw.polygon(
        [(cx - 0.20 * s, cy + 0.22 * s), (cx - 0.15 * s, cy + 0.27 * s), (cx - 0.10 * s, cy + 0.22 * s)], fill=PAPER
    )
    draw.rounded_rectangle((cx + 0.02 * s, cy + 0.20 * s, cx + 0.30 * s, cy + 0.31 * s), radius=int(0.04 * s), fill=INK)
    draw.polygon(
        [(cx + 0.10 * s, cy + 0.20 * s), (cx + 0.15 * s, cy + 0.26 * s), (cx + 0.20 * s, cy + 0.20 * s)], fill=PAPER
    )


def symbol_skull(draw: ImageDraw.ImageDraw, cx: float, cy: float, s: float) -> None:
    bone = max(4, int(s * 0.07))
    draw.line([(cx - 0.28 * s, cy + 0.08 * s), (cx + 0.28 * s, cy + 0.36 * s)], fill=INK, width=bone)
    draw.line([(cx + 0.28 * s, cy + 0.08 * s), (cx - 0.28 * s, cy + 0.36 * s)], fill=INK, width=bone)
    draw.ellipse((cx - 0.18 * s, cy - 0.28 * s, cx + 0.18 * s, cy + 0.08 * s), fill=INK)
    draw.rectangle((cx - 0.10 * s, cy + 0.02 * s, cx + 0.10 * s, cy + 0.14 * s), fill=INK)
    for dx in (-0.08, 0.08):
        draw.ellipse((cx + dx * s - 0.05 * s, cy - 0.14 * s, cx + dx * s + 0.05 * s, cy - 0.04 * s), fill=PAPER)
    draw.polygon([(cx, cy - 0.02 * s), (cx - 0.03 * s, cy + 0.04 * s), (cx + 0.03 * s, cy + 0.04 * s)], fill=PAPER)


def symbol_exclamation(draw: ImageDraw.ImageDraw, cx: float, cy: float, s: float) -> None:
    draw.polygon(
        [
            (cx - 0.07 * s, cy - 0.30 * s),
            (cx + 0.07 * s, cy - 0.30 * s),
            (cx + 0.03 * s, cy + 0.14 * s),
            (cx - 0.03 * s, cy + 0.14 * s),
        ],
        fill=INK,
    )
    draw.ellipse((cx - 0.06 * s, cy + 0.20 * s, cx + 0.06 * s, cy + 0.32 * s), fill=INK)


def symbol_health(draw: ImageDraw.ImageDraw, cx: float, cy: float, s: float) -> None:
    # head and shoulders, with a white star burst on the chest
    draw.ellipse((cx - 0.09 * s, cy - 0.34 * s, cx + 0.09 * s, cy - 0.16 * s), fill=INK)
    draw.polygon(
        [
            (cx - 0.28 * s, cy + 0.36 * s),
            (cx - 0.24 * s, cy - 0.06 * s),
            (cx, cy - 0.14 * s),
            (cx + 0.24 * s, cy - 0.06 * s),
            (cx + 0.28 * s, cy + 0.36 * s),
        ],
        fill=INK,
    )
    star = []
    for i in range(16):
        r = (0.13 if i % 2 == 0 else 0.05) * s
        a = math.radians(i * 22.5)
        star.append((cx + r * math.cos(a), cy + 0.12 * s + r * math.sin(a)))
    draw.polygon(star, fill=PAPER)


def symbol_environment(draw: ImageDraw.ImageDraw, cx: float, cy: float, s: float) -> None:
    # a bare tree and a fish lying belly-up on the ground line
    ground = cy + 0.30 * s
    draw.line([(cx - 0.34 * s, ground), (cx + 0.34 * s, ground)], fill=INK, width=max(2, int(s * 0.03)))
    trunk = cx - 0.14 * s
    draw.line([(trunk, ground), (trunk, cy - 0.28 * s)], fill=INK, width=max(3, int(s * 0.05)))
    for dy, dx in ((-0.16, -0.12), (-0.06, 0.12), (0.04, -0.10)):
        draw.line([(trunk, cy + dy * s), (trunk + dx * s, cy + (dy - 0.10) * s)], fill=INK, width=max(2, int(s * 0.03)))
    fish_y = ground - 0.07 * s
    draw.ellipse((cx - 0.02 * s, fish_y - 0.05 * s, cx + 0.22 * s, fish_y + 0.06 * s), fill=INK)
    draw.polygon(
        [(cx + 0.20 * s, fish_y), (cx + 0.32 * s, fish_y - 0.07 * s), (cx + 0.32 * s, fish_y + 0.07 * s)], fill=INK
    )
    draw.line([(cx + 0.04 * s, fish_y - 0.02 * s), (cx + 0.07 * s, fish_y + 0.01 * s)], fill=PAPER, width=2)
    draw.line([(cx + 0.07 * s, fish_y - 0.02 * s), (cx + 0.04 * s, fish_y + 0.01 * s)], fill=PAPER, width=2)


PICTOGRAMS = {
    "bomb": symbol_bomb,
    "flame": symbol_flame,
    "flame-circle": symbol_flame_circle,
    "cylinder": symbol_cylinder,
    "corrosion": symbol_corrosion,
    "skull": symbol_skull,
    "exclamation": symbol_exclamation,
    "health": symbol_health,
    "environment": symbol_environment,
}


def pictogram(draw: ImageDraw.ImageDraw, name: str, cx: float, cy: float, r: float) -> None:
    diamond(draw, cx, cy, r)
    PICTOGRAMS[name](draw, cx, cy - r * 0.05, r * 1.35)


def draw_pictograms() -> None:
    """One file per pictogram (for image questions) and a numbered panel of all nine."""
    for name in PICTOGRAMS:
        image = Image.new("RGB", (220, 220), PAPER)
        pictogram(ImageDraw.Draw(image), name, 110, 110, 100)
        save(image, f"ghs-{name}.png")
    panel = Image.new("RGB", (660, 690), PAPER)
    draw = ImageDraw.Draw(panel)
    number = font(20, bold=True)
    for i, name in enumerate(PICTOGRAMS):
        cx, cy = 110 + (i % 3) * 220, 105 + (i // 3) * 225
        pictogram(draw, name, cx, cy, 92)
        draw.text((cx, cy + 108), str(i + 1), font=number, fill=INK, anchor="mm")
    save(panel, "ghs-pictograms.png")


# --- Three shipments for an image question (no words, only product codes) -----------------------


def draw_shipments() -> None:
    mark = font(22, bold=True)
    image = Image.new("RGB", (260, 260), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 40, 200, 230), fill=DRUM_BLUE, outline=INK, width=2)
    for y in (80, 190):
        draw.line([(60, y), (200, y)], fill=INK, width=3)
    draw.rectangle((80, 105, 180, 165), fill=PAPER, outline=INK, width=2)
    draw.text((130, 135), "DDT 75%", font=mark, fill=INK, anchor="mm")
    draw.ellipse((60, 30, 200, 50), fill=DRUM_BLUE, outline=INK, width=2)
    save(image, "shipment-drum.png")

    image = Image.new("RGB", (260, 260), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((85, 60, 175, 235), radius=30, fill=CYLINDER_GREEN, outline=INK, width=2)
    draw.rectangle((118, 30, 142, 62), fill=GREY, outline=INK, width=2)
    draw.rectangle((92, 120, 168, 170), fill=PAPER, outline=INK, width=2)
    draw.text((130, 145), "R-22", font=mark, fill=INK, anchor="mm")
    save(image, "shipment-cylinder.png")

    image = Image.new("RGB", (260, 260), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 210, 240, 232), fill=WOOD, outline=INK)
    for row in range(2):
        for col in range(3):
            x, y = 28 + col * 72, 130 - row * 78
            draw.rectangle((x, y + 8, x + 64, y + 78), fill=BATTERY, outline=INK, width=2)
            draw.rectangle((x + 8, y, x + 18, y + 8), fill=GREY, outline=INK)
            draw.rectangle((x + 46, y, x + 56, y + 8), fill=GREY, outline=INK)
    save(image, "shipment-batteries.png")

    # a steel flask with a screw plug, marked with the chemical symbol of mercury
    image = Image.new("RGB", (260, 260), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((82, 70, 178, 235), radius=18, fill=STEEL, outline=INK, width=2)
    draw.polygon([(100, 72), (118, 44), (142, 44), (160, 72)], fill=STEEL, outline=INK)
    draw.rectangle((116, 26, 144, 46), fill=GREY, outline=INK, width=2)
    for y in (110, 200):
        draw.line([(84, y), (176, y)], fill=GREY, width=3)
    draw.rectangle((96, 130, 164, 180), fill=PAPER, outline=INK, width=2)
    draw.text((130, 155), "Hg", font=mark, fill=INK, anchor="mm")
    save(image, "shipment-mercury.png")


# --- Mock commercial invoice (words: one per language) --------------------------------------------

INVOICE_WORDS = {
    "en": {
        "title": "COMMERCIAL INVOICE",
        "exporter": ("1 Exporter", "Far Harbour Trading Co., Harbour Road 8, Port Alpha"),
        "consignee": ("2 Consignee", "To order"),
        "origin": ("3 Country of origin", "Not stated"),
        "destination": ("4 Destination", "In transit, for re-export"),
        "goods": ("5 Description of goods", "Agricultural chemical intermediate, 80 drums of 200 L"),
        "marks": ("6 Marks and numbers", "No marks"),
        "price": ("7 Unit price and total", "USD 0.40 per litre, total USD 6,400"),
        "declaration": ("8 Declaration and signature", "We certify this invoice is true and correct. (signed)"),
    },
    "fr": {
        "title": "FACTURE COMMERCIALE",
        "exporter": ("1 Exportateur", "Far Harbour Trading Co., Harbour Road 8, Port Alpha"),
        "consignee": ("2 Destinataire", "À ordre"),
        "origin": ("3 Pays d'origine", "Non indiqué"),
        "destination": ("4 Destination", "En transit, pour réexportation"),
        "goods": ("5 Désignation des marchandises", "Intermédiaire chimique agricole, 80 fûts de 200 L"),
        "marks": ("6 Marques et numéros", "Aucune marque"),
        "price": ("7 Prix unitaire et total", "0,40 USD le litre, total 6 400 USD"),
        "declaration": ("8 Déclaration et signature", "Nous certifions que la présente facture est exacte. (signé)"),
    },
    "es": {
        "title": "FACTURA COMERCIAL",
        "exporter": ("1 Exportador", "Far Harbour Trading Co., Harbour Road 8, Port Alpha"),
        "consignee": ("2 Consignatario", "A la orden"),
        "origin": ("3 País de origen", "No se indica"),
        "destination": ("4 Destino", "En tránsito, para reexportación"),
        "goods": ("5 Descripción de las mercancías", "Intermedio químico agrícola, 80 tambores de 200 L"),
        "marks": ("6 Marcas y números", "Sin marcas"),
        "price": ("7 Precio unitario y total", "USD 0.40 por litro, total USD 6,400"),
        "declaration": ("8 Declaración y firma", "Certificamos que esta factura es verdadera y correcta. (firma)"),
    },
}

INVOICE_FIELDS: dict[str, Rect] = {
    "exporter": (20, 70, 360, 100),
    "consignee": (380, 70, 360, 100),
    "origin": (20, 170, 360, 90),
    "destination": (380, 170, 360, 90),
    "goods": (20, 260, 720, 90),
    "marks": (20, 350, 360, 90),
    "price": (380, 350, 360, 90),
    "declaration": (20, 440, 720, 90),
}


def draw_invoice(lang: str) -> None:
    words = INVOICE_WORDS[lang]
    image = Image.new("RGB", (760, 550), PAPER)
    draw = ImageDraw.Draw(image)
    draw.text((380, 38), words["title"], font=font(26, bold=True), fill=INK, anchor="mm")
    head, body = font(14, bold=True), font(16)
    for key, (x, y, w, h) in INVOICE_FIELDS.items():
        draw.rectangle((x, y, x + w, y + h), outline=INK, width=2)
        label, value = words[key]
        draw.text((x + 8, y + 6), label, font=head, fill=GREY)
        write(draw, (x, y + 24, w, h - 24), value, body)
    save(image, "invoice.png", lang)


# --- Timeline of the North American action plans and the conventions (words per language) -------

TIMELINE_EVENTS = (
    "canada-ddt",
    "smoc",
    "narap-pcb",
    "narap-ddt",
    "stockholm-adopted",
    "cec-2002",
    "stockholm-force",
    "lindane-listed",
    "minamata-adopted",
    "minamata-force",
)

TIMELINE_WORDS = {
    "en": {
        "canada-ddt": ("1985", "Canada discontinues DDT"),
        "smoc": ("1995", "CEC Council Resolution 95-05 creates SMOC"),
        "narap-pcb": ("April 1997", "NARAP on PCBs completed"),
        "narap-ddt": ("16 July 1997", "NARAPs on DDT and chlordane released"),
        "stockholm-adopted": ("22 May 2001", "Stockholm Convention adopted"),
        "cec-2002": ("2002", "CEC: DDT and chlordane no longer produced or used in North America"),
        "stockholm-force": ("17 May 2004", "Stockholm Convention in force"),
        "lindane-listed": ("May 2009", "Lindane listed in Stockholm Annex A"),
        "minamata-adopted": ("10 Oct 2013", "Minamata Convention adopted; lindane NARAP final evaluation in 2013"),
        "minamata-force": ("16 Aug 2017", "Minamata Convention in force"),
    },
    "fr": {
        "canada-ddt": ("1985", "Le Canada abandonne le DDT"),
        "smoc": ("1995", "La résolution 95-05 du Conseil de la CCE crée la GRPC"),
        "narap-pcb": ("Avril 1997", "PARNA sur les BPC achevé"),
        "narap-ddt": ("16 juillet 1997", "PARNA sur le DDT et le chlordane publiés"),
        "stockholm-adopted": ("22 mai 2001", "Adoption de la Convention de Stockholm"),
        "cec-2002": ("2002", "CCE : DDT et chlordane ne sont plus produits ni utilisés en Amérique du Nord"),
        "stockholm-force": ("17 mai 2004", "Entrée en vigueur de la Convention de Stockholm"),
        "lindane-listed": ("Mai 2009", "Lindane inscrit à l'annexe A de Stockholm"),
        "minamata-adopted": (
            "10 oct. 2013",
            "Adoption de la Convention de Minamata; évaluation finale du PARNA sur le lindane en 2013",
        ),
        "minamata-force": ("16 août 2017", "Entrée en vigueur de la Convention de Minamata"),
    },
    "es": {
        "canada-ddt": ("1985", "Canadá deja de usar el DDT"),
        "smoc": ("1995", "La Resolución 95-05 del Consejo de la CCA crea el MASQ"),
        "narap-pcb": ("Abril 1997", "Concluye el PARAN sobre BPC"),
        "narap-ddt": ("16 julio 1997", "Se publican los PARAN sobre DDT y clordano"),
        "stockholm-adopted": ("22 mayo 2001", "Se adopta el Convenio de Estocolmo"),
        "cec-2002": ("2002", "CCA: el DDT y el clordano ya no se producen ni se usan en América del Norte"),
        "stockholm-force": ("17 mayo 2004", "Entra en vigor el Convenio de Estocolmo"),
        "lindane-listed": ("Mayo 2009", "El lindano se incluye en el Anexo A de Estocolmo"),
        "minamata-adopted": (
            "10 oct. 2013",
            "Se adopta el Convenio de Minamata; evaluación final del PARAN sobre lindano en 2013",
        ),
        "minamata-force": ("16 agosto 2017", "Entra en vigor el Convenio de Minamata"),
    },
}


def timeline_boxes() -> dict[str, Rect]:
    """Events evenly spaced on one axis, alternately above and below it."""
    boxes: dict[str, Rect] = {}
    for i, key in enumerate(TIMELINE_EVENTS):
        x = 10 + i * 72
        y = 20 if i % 2 == 0 else 260
        boxes[key] = (x, y, 140, 160)
    return boxes


TIMELINE_BOXES = timeline_boxes()


def draw_timeline(lang: str) -> None:
    words = TIMELINE_WORDS[lang]
    image = Image.new("RGB", (800, 440), PAPER)
    draw = ImageDraw.Draw(image)
    axis_y = 220
    draw.line([(10, axis_y), (790, axis_y)], fill=TIMELINE_BLUE, width=4)
    date_face, text_face = font(14, bold=True), font(13)
    for key, (x, y, w, h) in TIMELINE_BOXES.items():
        tick_x = x + 36
        draw.ellipse((tick_x - 6, axis_y - 6, tick_x + 6, axis_y + 6), fill=TIMELINE_BLUE)
        end_y = y + h if y < axis_y else y
        draw.line([(tick_x, axis_y), (tick_x, end_y)], fill=TIMELINE_BLUE, width=2)
        draw.rounded_rectangle((x, y, x + w - 6, y + h), 8, fill=LIGHT, outline=INK, width=1)
        date, text = words[key]
        draw.text((x + 8, y + 6), date, font=date_face, fill=TIMELINE_BLUE)
        write(draw, (x - 2, y + 18, w - 6, h - 18), text, text_face)
    save(image, "timeline.png", lang)


# --- Mercury export decision chart (words per language) -------------------------------------------

MERCURY_WORDS = {
    "en": {
        "start": "Mercury declared for export",
        "party": "Is the importing country a Party to the Minamata Convention?",
        "consent": (
            "Has the importing Party given written consent, for an "
            "allowed use or environmentally sound interim storage?"
        ),
        "ok": "Allowed by Article 3: still check your national permits",
        "stop": "No written consent: hold the shipment and call the competent authority",
        "non-party": "Not a Party: certification is required; hold and call the competent authority to check it",
        "yes": "yes",
        "no": "no",
    },
    "fr": {
        "start": "Mercure déclaré à l'exportation",
        "party": "Le pays d'importation est-il Partie à la Convention de Minamata?",
        "consent": (
            "La Partie importatrice a-t-elle donné son consentement écrit, pour une "
            "utilisation permise ou un stockage provisoire écologiquement rationnel?"
        ),
        "ok": "Permis par l'article 3 : vérifier quand même les permis nationaux",
        "stop": "Pas de consentement écrit : retenir l'envoi et appeler l'autorité compétente",
        "non-party": (
            "Non-Partie : une certification est exigée; retenir l'envoi "
            "et appeler l'autorité compétente pour la vérifier"
        ),
        "yes": "oui",
        "no": "non",
    },
    "es": {
        "start": "Mercurio declarado para exportación",
        "party": "¿El país importador es Parte en el Convenio de Minamata?",
        "consent": (
            "¿La Parte importadora dio su consentimiento por escrito, para un uso "
            "permitido o un almacenamiento provisional ambientalmente racional?"
        ),
        "ok": "Permitido por el artículo 3: aun así revise los permisos nacionales",
        "stop": "Sin consentimiento por escrito: retenga el embarque y llame a la autoridad competente",
        "non-party": (
            "No es Parte: se requiere una certificación; retenga y llame a la autoridad competente para verificarla"
        ),
        "yes": "sí",
        "no": "no",
    },
}

MERCURY_BOXES: dict[str, Rect] = {
    "start": (250, 20, 260, 60),
    "party": (200, 120, 360, 80),
    "consent": (40, 260, 400, 110),
    "non-party": (500, 260, 240, 150),
    "ok": (40, 440, 190, 110),
    "stop": (250, 440, 190, 110),
}


def arrow(draw: ImageDraw.ImageDraw, start: Point, end: Point, colour: tuple[int, int, int], label: str = "") -> None:
    draw.line([start, end], fill=colour, width=3)
    angle = math.atan2(end[1] - start[1], end[0] - start[0])
    tip = [
        end,
        (end[0] - 12 * math.cos(angle - 0.4), end[1] - 12 * math.sin(angle - 0.4)),
        (end[0] - 12 * math.cos(angle + 0.4), end[1] - 12 * math.sin(angle + 0.4)),
    ]
    draw.polygon(tip, fill=colour)
    if label:
        mid = ((start[0] + end[0]) / 2 + 8, (start[1] + end[1]) / 2 - 18)
        draw.text(mid, label, font=font(14, bold=True), fill=colour)


def draw_mercury_chart(lang: str) -> None:
    words = MERCURY_WORDS[lang]
    image = Image.new("RGB", (780, 570), PAPER)
    draw = ImageDraw.Draw(image)
    face = font(15)
    fills = {"ok": (220, 240, 226), "stop": (250, 224, 220), "non-party": (250, 224, 220)}
    for key, (x, y, w, h) in MERCURY_BOXES.items():
        draw.rounded_rectangle((x, y, x + w, y + h), 12, fill=fills.get(key, LIGHT), outline=INK, width=2)
        write(draw, (x, y, w, h), words[key], face, centre=True)
    green, red = (30, 110, 60), (176, 36, 36)
    arrow(draw, (380, 80), (380, 120), INK)
    arrow(draw, (300, 200), (240, 260), green, words["yes"])
    arrow(draw, (470, 200), (600, 260), red, words["no"])
    arrow(draw, (135, 370), (135, 440), green, words["yes"])
    arrow(draw, (345, 370), (345, 440), red, words["no"])
    save(image, "mercury-export-chart.png", lang)


# --- Mock export declaration for a mercury shipment (words per language) -------------------------

DECLARATION_WORDS = {
    "en": {
        "title": "EXPORT DECLARATION",
        "exporter": ("1 Exporter", "Northgate Metals Ltd., 4 Quay Street, Port Alpha"),
        "consignee": ("2 Consignee", "Bayside Storage Co., Port Beta, Country B"),
        "destination": ("3 Country of destination", "Country B"),
        "container": ("4 Container number", "ZZZU 000001-0"),
        "goods": ("5 Description of goods", "Mercury (Hg), 40 steel flasks"),
        "purpose": ("6 Purpose of export", "Environmentally sound interim storage"),
        "consent": ("7 Written consent of the importing Party", "Reference: to follow"),
        "attached": ("8 Attached documents", "Commercial invoice, packing list, bill of lading"),
        "declaration": ("9 Declaration and signature", "We declare that the above particulars are true. (signed)"),
    },
    "fr": {
        "title": "DÉCLARATION D'EXPORTATION",
        "exporter": ("1 Exportateur", "Northgate Metals Ltd., 4 Quay Street, Port Alpha"),
        "consignee": ("2 Destinataire", "Bayside Storage Co., Port Beta, Pays B"),
        "destination": ("3 Pays de destination", "Pays B"),
        "container": ("4 Numéro de conteneur", "ZZZU 000001-0"),
        "goods": ("5 Désignation des marchandises", "Mercure (Hg), 40 flacons en acier"),
        "purpose": ("6 But de l'exportation", "Stockage provisoire écologiquement rationnel"),
        "consent": ("7 Consentement écrit de la Partie importatrice", "Référence : à suivre"),
        "attached": ("8 Documents joints", "Facture commerciale, liste de colisage, connaissement"),
        "declaration": (
            "9 Déclaration et signature",
            "Nous déclarons que les renseignements ci-dessus sont exacts. (signé)",
        ),
    },
    "es": {
        "title": "DECLARACIÓN DE EXPORTACIÓN",
        "exporter": ("1 Exportador", "Northgate Metals Ltd., 4 Quay Street, Port Alpha"),
        "consignee": ("2 Consignatario", "Bayside Storage Co., Port Beta, País B"),
        "destination": ("3 País de destino", "País B"),
        "container": ("4 Número de contenedor", "ZZZU 000001-0"),
        "goods": ("5 Descripción de las mercancías", "Mercurio (Hg), 40 frascos de acero"),
        "purpose": ("6 Finalidad de la exportación", "Almacenamiento provisional ambientalmente racional"),
        "consent": ("7 Consentimiento por escrito de la Parte importadora", "Referencia: se enviará después"),
        "attached": ("8 Documentos anexos", "Factura comercial, lista de empaque, conocimiento de embarque"),
        "declaration": ("9 Declaración y firma", "Declaramos que los datos anteriores son verdaderos. (firma)"),
    },
}

DECLARATION_FIELDS: dict[str, Rect] = {
    "exporter": (20, 70, 360, 90),
    "consignee": (380, 70, 360, 90),
    "destination": (20, 160, 360, 80),
    "container": (380, 160, 360, 80),
    "goods": (20, 240, 720, 70),
    "purpose": (20, 310, 720, 70),
    "consent": (20, 380, 720, 70),
    "attached": (20, 450, 720, 70),
    "declaration": (20, 520, 720, 70),
}


def draw_declaration(lang: str) -> None:
    words = DECLARATION_WORDS[lang]
    image = Image.new("RGB", (760, 610), PAPER)
    draw = ImageDraw.Draw(image)
    draw.text((380, 38), words["title"], font=font(26, bold=True), fill=INK, anchor="mm")
    head, body = font(14, bold=True), font(16)
    for key, (x, y, w, h) in DECLARATION_FIELDS.items():
        draw.rectangle((x, y, x + w, y + h), outline=INK, width=2)
        label, value = words[key]
        draw.text((x + 8, y + 6), label, font=head, fill=GREY)
        write(draw, (x, y + 24, w, h - 24), value, body)
    save(image, "mercury-export-declaration.png", lang)


# --- Mock pesticide label (words per language) ----------------------------------------------------

LABEL_WORDS = {
    "en": {
        "product": "FIELDGUARD 480 EC",
        "kind": "Insecticide, emulsifiable concentrate",
        "active": "Active ingredient: chlorpyrifos 480 g/L",
        "signal": "DANGER",
        "hazard": "Toxic if swallowed. Very toxic to aquatic life.",
        "precaution": (
            "Wear protective gloves. Do not eat, drink or smoke when using this product. Keep out of reach of children."
        ),
        "supplier": "Supplier: Greenrow Agro Ltd., 12 Harbour Road, Port Alpha",
        "registration": "Registration No.: ______",
        "contents": "Net contents: 20 L   Batch: ______",
    },
    "fr": {
        "product": "FIELDGUARD 480 EC",
        "kind": "Insecticide, concentré émulsifiable",
        "active": "Matière active : chlorpyrifos 480 g/L",
        "signal": "DANGER",
        "hazard": "Toxique en cas d'ingestion. Très toxique pour les organismes aquatiques.",
        "precaution": (
            "Porter des gants de protection. Ne pas manger, boire ou fumer "
            "en utilisant ce produit. Tenir hors de portée des enfants."
        ),
        "supplier": "Fournisseur : Greenrow Agro Ltd., 12 Harbour Road, Port Alpha",
        "registration": "N° d'homologation : ______",
        "contents": "Contenu net : 20 L   Lot : ______",
    },
    "es": {
        "product": "FIELDGUARD 480 EC",
        "kind": "Insecticida, concentrado emulsionable",
        "active": "Ingrediente activo: clorpirifos 480 g/L",
        "signal": "PELIGRO",
        "hazard": "Tóxico en caso de ingestión. Muy tóxico para los organismos acuáticos.",
        "precaution": (
            "Usar guantes de protección. No comer, beber ni fumar durante "
            "su utilización. Manténgase fuera del alcance de los niños."
        ),
        "supplier": "Proveedor: Greenrow Agro Ltd., 12 Harbour Road, Port Alpha",
        "registration": "N.º de registro: ______",
        "contents": "Contenido neto: 20 L   Lote: ______",
    },
}

LABEL_FIELDS: dict[str, Rect] = {
    "product": (20, 20, 720, 90),
    "active": (20, 110, 720, 50),
    "pictograms": (20, 170, 300, 160),
    "signal": (340, 170, 400, 60),
    "hazard": (340, 240, 400, 90),
    "precaution": (20, 340, 720, 90),
    "supplier": (20, 440, 460, 80),
    "registration": (490, 440, 250, 80),
    "contents": (20, 530, 720, 50),
}


def draw_label(lang: str) -> None:
    words = LABEL_WORDS[lang]
    image = Image.new("RGB", (760, 600), LABEL_CREAM)
    draw = ImageDraw.Draw(image)
    draw.rectangle((4, 4, 755, 595), outline=INK, width=3)
    x, y, w, h = LABEL_FIELDS["product"]
    draw.text((x + w // 2, y + 32), words["product"], font=font(34, bold=True), fill=INK, anchor="mm")
    draw.text((x + w // 2, y + 70), words["kind"], font=font(18), fill=INK, anchor="mm")
    x, y, w, h = LABEL_FIELDS["active"]
    draw.text((x + w // 2, y + h // 2), words["active"], font=font(18, bold=True), fill=INK, anchor="mm")
    x, y, w, h = LABEL_FIELDS["pictograms"]
    pictogram(draw, "skull", x + 75, y + h // 2, 70)
    pictogram(draw, "environment", x + 225, y + h // 2, 70)
    x, y, w, h = LABEL_FIELDS["signal"]
    draw.text((x + w // 2, y + h // 2), words["signal"], font=font(36, bold=True), fill=INK, anchor="mm")
    body = font(16)
    for key in ("hazard", "precaution", "supplier", "registration"):
        write(draw, LABEL_FIELDS[key], words[key], body)
    x, y, w, h = LABEL_FIELDS["contents"]
    draw.text((x + 8, y + h // 2), words["contents"], font=body, fill=INK, anchor="lm")
    for key in ("precaution", "supplier", "registration", "contents"):
        x, y, w, h = LABEL_FIELDS[key]
        draw.line([(x, y - 5), (x + w, y - 5)], fill=GREY, width=1)
    save(image, "pesticide-label.png", lang)


def main() -> None:
    draw_pictograms()
    draw_shipments()
    for lang in LANGUAGES:
        draw_invoice(lang)
        draw_timeline(lang)
        draw_mercury_chart(lang)
        draw_declaration(lang)
        draw_label(lang)
    for name, rect in INVOICE_FIELDS.items():
        region(name, "invoice.png", rect)
    for name, rect in TIMELINE_BOXES.items():
        region(name, "timeline.png", rect)
    for name, rect in MERCURY_BOXES.items():
        region(name, "mercury-export-chart.png", rect)
    for name, rect in DECLARATION_FIELDS.items():
        region(name, "mercury-export-declaration.png", rect)
    for name, rect in LABEL_FIELDS.items():
        region(name, "pesticide-label.png", rect)


if __name__ == "__main__":
    main()
