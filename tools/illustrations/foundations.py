"""Draw the original illustrations of the `foundations` course.

Run from the repository root: `python tools/illustrations/foundations.py`.
Images without words go to courses/foundations/media/; images with words get one copy per
language in courses/foundations/<lang>/media/ with the same layout, so hotspot regions are
shared. The script prints every hotspot region to copy into quizzes/*.yaml.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

COURSE = Path(__file__).resolve().parents[2] / "courses" / "foundations"
FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
LANGUAGES = ("en", "fr", "es")

INK = (34, 40, 49)
PAPER = (255, 255, 255)
GREY = (120, 126, 134)
LIGHT = (236, 239, 242)

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


# --- Commodity icons (no words), shared by every language -------------------------------------

ICON_SIZE = (220, 180)


def icon_canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", ICON_SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((4, 4, ICON_SIZE[0] - 5, ICON_SIZE[1] - 5), 14, outline=GREY, width=2)
    return image, draw


def draw_parrot() -> Image.Image:
    image, draw = icon_canvas()
    draw.line((40, 150, 180, 150), fill=(110, 80, 50), width=8)  # perch
    draw.polygon([(118, 120), (150, 170), (128, 172), (104, 126)], fill=(40, 120, 200))  # tail
    draw.ellipse((70, 60, 140, 140), fill=(60, 170, 70))  # body
    draw.ellipse((80, 70, 125, 125), fill=(45, 140, 60))  # wing
    draw.ellipse((86, 28, 136, 78), fill=(230, 200, 40))  # head
    draw.polygon([(132, 46), (152, 54), (134, 66)], fill=INK)  # beak
    draw.ellipse((112, 42, 122, 52), fill=PAPER)
    draw.ellipse((115, 45, 120, 50), fill=INK)
    return image


def draw_cylinder() -> Image.Image:
    image, draw = icon_canvas()
    draw.rectangle((98, 18, 122, 36), fill=GREY)  # valve
    draw.rounded_rectangle((70, 34, 150, 60), 12, fill=(150, 160, 150))  # shoulder
    draw.rounded_rectangle((68, 46, 152, 162), 16, fill=(176, 186, 176), outline=INK, width=2)
    draw.rectangle((80, 80, 140, 126), fill=PAPER, outline=INK, width=2)  # blank label
    for y in (92, 104, 116):
        draw.line((88, y, 132, y), fill=GREY, width=3)
    return image


def draw_battery() -> Image.Image:
    image, draw = icon_canvas()
    draw.rectangle((58, 36, 82, 52), fill=(200, 60, 50))
    draw.rectangle((138, 36, 162, 52), fill=INK)
    draw.rounded_rectangle((40, 50, 180, 150), 8, fill=(70, 76, 86), outline=INK, width=2)
    draw.line((62, 80, 78, 80), fill=PAPER, width=4)  # plus sign
    draw.line((70, 72, 70, 88), fill=PAPER, width=4)
    draw.line((142, 80, 158, 80), fill=PAPER, width=4)  # minus sign
    draw.line((52, 140, 90, 126, 120, 142), fill=(240, 240, 230), width=3)  # crack in the casing
    return image


def draw_drum() -> Image.Image:
    image, draw = icon_canvas()
    draw.rectangle((62, 36, 158, 154), fill=(30, 90, 160))
    draw.ellipse((62, 24, 158, 48), fill=(60, 120, 190), outline=INK, width=2)
    draw.arc((62, 142, 158, 166), 0, 180, fill=INK, width=2)
    for y in (76, 116):
        draw.arc((62, y - 12, 158, y + 12), 0, 180, fill=INK, width=3)
    draw.line((62, 36, 62, 154), fill=INK, width=2)
    draw.line((158, 36, 158, 154), fill=INK, width=2)
    draw.ellipse((120, 30, 134, 40), fill=INK)  # bung
    return image


def draw_log() -> Image.Image:
    image, draw = icon_canvas()
    draw.rounded_rectangle((30, 66, 170, 124), 10, fill=(150, 95, 55), outline=INK, width=2)
    for x in (60, 95, 130):
        draw.line((x, 72, x + 16, 118), fill=(110, 70, 40), width=2)
    draw.ellipse((150, 56, 200, 134), fill=(214, 170, 120), outline=INK, width=2)
    for inset in (8, 16, 22):
        draw.ellipse((150 + inset, 56 + inset, 200 - inset, 134 - inset), outline=(150, 95, 55), width=2)
    return image


# --- Six conventions (words, one per language) --------------------------------------------------

CONVENTIONS = {
    "en": {
        "title": "Six multilateral environmental agreements",
        "in_force": "In force:",
        "cards": {
            "cites": ("CITES", "1 July 1975"),
            "montreal": ("Montreal Protocol", "1 January 1989"),
            "basel": ("Basel Convention", "5 May 1992"),
            "rotterdam": ("Rotterdam Convention", "24 February 2004"),
            "stockholm": ("Stockholm Convention", "17 May 2004"),
            "minamata": ("Minamata Convention", "16 August 2017"),
        },
    },
    "fr": {
        "title": "Six accords multilatéraux sur l'environnement",
        "in_force": "En vigueur :",
        "cards": {
            "cites": ("CITES", "1er juillet 1975"),
            "montreal": ("Protocole de Montréal", "1er janvier 1989"),
            "basel": ("Convention de Bâle", "5 mai 1992"),
            "rotterdam": ("Convention de Rotterdam", "24 février 2004"),
            "stockholm": ("Convention de Stockholm", "17 mai 2004"),
            "minamata": ("Convention de Minamata", "16 août 2017"),
        },
    },
    "es": {
        "title": "Seis acuerdos ambientales multilaterales",
        "in_force": "En vigor:",
        "cards": {
            "cites": ("CITES", "1 de julio de 1975"),
            "montreal": ("Protocolo de Montreal", "1 de enero de 1989"),
            "basel": ("Convenio de Basilea", "5 de mayo de 1992"),
            "rotterdam": ("Convenio de Rotterdam", "24 de febrero de 2004"),
            "stockholm": ("Convenio de Estocolmo", "17 de mayo de 2004"),
            "minamata": ("Convenio de Minamata", "16 de agosto de 2017"),
        },
    },
}


def convention_cards() -> dict[str, Rect]:
    """Return the card rectangles; the same in every language."""
    rects: dict[str, Rect] = {}
    width, height, gap, top = 240, 124, 16, 70
    for index, key in enumerate(CONVENTIONS["en"]["cards"]):
        col, row = index % 3, index // 3
        rects[key] = (20 + col * (width + gap), top + row * (height + gap), width, height)
    return rects


def draw_conventions(lang: str) -> Image.Image:
    words = CONVENTIONS[lang]
    image = Image.new("RGB", (800, 344), PAPER)
    draw = ImageDraw.Draw(image)
    draw.text((20, 22), words["title"], font=font(24, bold=True), fill=INK)
    for key, (x, y, w, h) in convention_cards().items():
        name, date = words["cards"][key]
        draw.rounded_rectangle((x, y, x + w, y + h), 10, fill=LIGHT, outline=INK, width=2)
        for line_no, line in enumerate(wrap(draw, name, font(18, bold=True), w - 28)):
            draw.text((x + 14, y + 12 + 24 * line_no), line, font=font(18, bold=True), fill=INK)
        draw.text((x + 14, y + 68), words["in_force"], font=font(15), fill=GREY)
        draw.text((x + 14, y + 90), date, font=font(17), fill=INK)
    return image


# --- Mock commercial invoice (words, one per language) ------------------------------------------

INVOICE = {
    "en": {
        "title": "COMMERCIAL INVOICE",
        "exporter": ("Exporter", "Northwind Cooling Ltd.", "12 Harbour Road, Port City"),
        "consignee": ("Consignee / importer", "Polar Cooling S.A.", "8 Industrial Park, Lakeside"),
        "number": ("Invoice no. and date", "INV-2026-0417", "2026-04-17"),
        "origin": ("Country of origin", "Country A", ""),
        "container": ("Container no.", "NWCU 482913-6", "B/L: NW-7781"),
        "columns": ("Description of goods", "HS code", "Quantity", "Total value"),
        "line": ("Refrigerant gas HFC-134a in 13.6 kg cylinders", "2903.45", "400 cyl.", "USD 38,000"),
        "footer": "Mock document for training. All names and numbers are invented.",
    },
    "fr": {
        "title": "FACTURE COMMERCIALE",
        "exporter": ("Exportateur", "Northwind Cooling Ltd.", "12 Harbour Road, Port City"),
        "consignee": ("Destinataire / importateur", "Polar Cooling S.A.", "8 Industrial Park, Lakeside"),
        "number": ("Nº et date de facture", "INV-2026-0417", "2026-04-17"),
        "origin": ("Pays d'origine", "Pays A", ""),
        "container": ("Nº de conteneur", "NWCU 482913-6", "Connaissement : NW-7781"),
        "columns": ("Description des marchandises", "Code SH", "Quantité", "Valeur totale"),
        "line": ("Gaz frigorigène HFC-134a en bouteilles de 13,6 kg", "2903.45", "400 bout.", "38 000 USD"),
        "footer": "Document fictif pour la formation. Noms et numéros inventés.",
    },
    "es": {
        "title": "FACTURA COMERCIAL",
        "exporter": ("Exportador", "Northwind Cooling Ltd.", "12 Harbour Road, Port City"),
        "consignee": ("Consignatario / importador", "Polar Cooling S.A.", "8 Industrial Park, Lakeside"),
        "number": ("Núm. y fecha de factura", "INV-2026-0417", "2026-04-17"),
        "origin": ("País de origen", "País A", ""),
        "container": ("Núm. de contenedor", "NWCU 482913-6", "B/L: NW-7781"),
        "columns": ("Descripción de la mercancía", "Fracción SA", "Cantidad", "Valor total"),
        "line": ("Gas refrigerante HFC-134a en cilindros de 13.6 kg", "2903.45", "400 cil.", "38,000 USD"),
        "footer": "Documento ficticio para capacitación. Nombres y números inventados.",
    },
}


def invoice_fields() -> dict[str, Rect]:
    """Return the field rectangles of the mock invoice; the same in every language."""
    return {
        "exporter": (20, 70, 370, 96),
        "consignee": (410, 70, 370, 96),
        "number": (20, 180, 240, 80),
        "origin": (280, 180, 240, 80),
        "container": (540, 180, 240, 80),
        "description": (20, 314, 360, 70),
        "hs-code": (380, 314, 130, 70),
        "quantity": (510, 314, 120, 70),
        "value": (630, 314, 150, 70),
    }


def draw_field(draw: ImageDraw.ImageDraw, rect: Rect, label: str, lines: list[str]) -> None:
    x, y, w, h = rect
    draw.rectangle((x, y, x + w, y + h), outline=INK, width=2)
    draw.text((x + 8, y + 6), label, font=font(13), fill=GREY)
    for line_no, line in enumerate(line for line in lines if line):
        draw.text((x + 8, y + 28 + 22 * line_no), line, font=font(16), fill=INK)


def draw_invoice(lang: str) -> Image.Image:
    words = INVOICE[lang]
    fields = invoice_fields()
    image = Image.new("RGB", (800, 440), PAPER)
    draw = ImageDraw.Draw(image)
    draw.text((20, 20), words["title"], font=font(26, bold=True), fill=INK)
    for key in ("exporter", "consignee", "number", "origin", "container"):
        label, *lines = words[key]
        draw_field(draw, fields[key], label, lines)
    header_y = 280
    for key, heading in zip(("description", "hs-code", "quantity", "value"), words["columns"], strict=True):
        x, _, w, _ = fields[key]
        draw.rectangle((x, header_y, x + w, header_y + 34), fill=LIGHT, outline=INK, width=2)
        draw.text((x + 8, header_y + 9), heading, font=font(13, bold=True), fill=INK)
    for key, value in zip(("description", "hs-code", "quantity", "value"), words["line"], strict=True):
        x, y, w, h = fields[key]
        draw.rectangle((x, y, x + w, y + h), outline=INK, width=2)
        for line_no, line in enumerate(wrap(draw, value, font(15), w - 16)):
            draw.text((x + 8, y + 10 + 20 * line_no), line, font=font(15), fill=INK)
    draw.text((20, 404), words["footer"], font=font(13), fill=GREY)
    return image


# --- Licence and invoice side by side, for the mismatch case (words, one per language) -------------

LICENCE = {
    "en": {
        "licence": "IMPORT LICENCE (mock)",
        "invoice": "COMMERCIAL INVOICE (mock)",
        "licence_rows": [
            ("Licence no.", "L-2026-0093"),
            ("Importer", "Polar Refrigeration Inc."),
            ("Substance", "HFC-134a"),
            ("Quantity", "5,000 kg"),
            ("Valid until", "2026-12-31"),
        ],
        "invoice_rows": [
            ("Invoice no.", "INV-2026-0417"),
            ("Consignee", "Polar Cooling S.A."),
            ("Goods", "HFC-134a, 13.6 kg cyl."),
            ("Quantity", "400 cylinders"),
            ("HS code", "2903.45"),
        ],
    },
    "fr": {
        "licence": "LICENCE D'IMPORTATION (fictive)",
        "invoice": "FACTURE COMMERCIALE (fictive)",
        "licence_rows": [
            ("Nº de licence", "L-2026-0093"),
            ("Importateur", "Polar Refrigeration Inc."),
            ("Substance", "HFC-134a"),
            ("Quantité", "5 000 kg"),
            ("Valide jusqu'au", "2026-12-31"),
        ],
        "invoice_rows": [
            ("Nº de facture", "INV-2026-0417"),
            ("Destinataire", "Polar Cooling S.A."),
            ("Marchandises", "HFC-134a, bout. 13,6 kg"),
            ("Quantité", "400 bouteilles"),
            ("Code SH", "2903.45"),
        ],
    },
    "es": {
        "licence": "PERMISO DE IMPORTACIÓN (ficticio)",
        "invoice": "FACTURA COMERCIAL (ficticia)",
        "licence_rows": [
            ("Núm. de permiso", "L-2026-0093"),
            ("Importador", "Polar Refrigeration Inc."),
            ("Sustancia", "HFC-134a"),
            ("Cantidad", "5,000 kg"),
            ("Vigencia", "2026-12-31"),
        ],
        "invoice_rows": [
            ("Núm. de factura", "INV-2026-0417"),
            ("Consignatario", "Polar Cooling S.A."),
            ("Mercancía", "HFC-134a, cil. 13.6 kg"),
            ("Cantidad", "400 cilindros"),
            ("Fracción SA", "2903.45"),
        ],
    },
}


def draw_licence_and_invoice(lang: str) -> Image.Image:
    words = LICENCE[lang]
    image = Image.new("RGB", (800, 330), PAPER)
    draw = ImageDraw.Draw(image)
    for left, title, rows in (
        (20, words["licence"], words["licence_rows"]),
        (410, words["invoice"], words["invoice_rows"]),
    ):
        draw.rectangle((left, 20, left + 370, 310), outline=INK, width=2)
        draw.rectangle((left, 20, left + 370, 62), fill=LIGHT, outline=INK, width=2)
        draw.text((left + 12, 31), title, font=font(16, bold=True), fill=INK)
        for row_no, (label, value) in enumerate(rows):
            y = 78 + 46 * row_no
            draw.text((left + 12, y), label, font=font(13), fill=GREY)
            draw.text((left + 12, y + 18), value, font=font(16), fill=INK)
    return image


# --- Protective equipment and sample bags (no words) ---------------------------------------------


def draw_respirator() -> Image.Image:
    image, draw = icon_canvas()
    draw.line((50, 70, 170, 70), fill=GREY, width=4)  # head strap
    draw.rounded_rectangle((76, 50, 144, 140), 30, fill=(200, 205, 210), outline=INK, width=2)
    for x in (52, 138):  # HEPA filter cartridges
        draw.ellipse((x, 96, x + 30, 138), fill=(214, 60, 140), outline=INK, width=2)
    draw.rectangle((100, 120, 120, 134), fill=GREY)
    return image


def draw_earmuffs() -> Image.Image:
    image, draw = icon_canvas()
    draw.arc((54, 22, 166, 150), 180, 360, fill=INK, width=10)
    for x in (40, 146):
        draw.rounded_rectangle((x, 80, x + 34, 140), 14, fill=(230, 170, 30), outline=INK, width=2)
    return image


def draw_hard_hat() -> Image.Image:
    image, draw = icon_canvas()
    draw.chord((50, 50, 170, 160), 180, 360, fill=(240, 200, 40), outline=INK, width=2)
    draw.rounded_rectangle((36, 100, 184, 118), 6, fill=(220, 180, 30), outline=INK, width=2)
    draw.line((110, 54, 110, 104), fill=INK, width=3)
    return image


def draw_boot() -> Image.Image:
    image, draw = icon_canvas()
    draw.polygon([(70, 30), (120, 30), (120, 110), (176, 124), (176, 150), (70, 150)], fill=(90, 70, 50), outline=INK)
    draw.rectangle((66, 146, 180, 158), fill=INK)
    for y in (50, 70, 90):
        draw.line((80, y, 110, y), fill=(230, 220, 200), width=3)  # laces
    return image


def draw_bag(state: str) -> Image.Image:
    """A sample bag: `sealed` (unbroken seal), `torn` (seal broken) or `open`."""
    image, draw = icon_canvas()
    bag = (60, 40, 160, 160)
    draw.rounded_rectangle(bag, 6, fill=(225, 235, 245), outline=INK, width=2)
    draw.rectangle((80, 100, 140, 140), fill=(150, 110, 70))  # the sample inside
    if state == "open":
        draw.polygon([(60, 40), (160, 40), (172, 18), (48, 18)], fill=(225, 235, 245), outline=INK)
    else:
        draw.rectangle((56, 50, 164, 68), fill=(200, 40, 40))  # seal tape across the mouth
        if state == "torn":
            draw.polygon([(100, 44), (112, 58), (104, 74), (118, 74), (126, 58), (114, 44)], fill=PAPER)
    return image


# --- Chain-of-custody record (words, one per language) --------------------------------------------

CUSTODY = {
    "en": {
        "title": "CHAIN-OF-CUSTODY RECORD (mock)",
        "sample": ("Sample no.", "S-0412"),
        "description": ("Description", "Cylinder labelled R-134a, 13.6 kg"),
        "collected": ("Collected by / date and time", "Officer 1138 / 2026-04-18 10:42"),
        "seal": ("Seal no.", "0077153"),
        "relinquished": ("Relinquished by (signature, date, time)", ""),
        "received": ("Received by (signature, date, time)", ""),
        "storage": ("Storage location", "Evidence room B, locker 4"),
    },
    "fr": {
        "title": "REGISTRE DE LA CHAÎNE DE POSSESSION (fictif)",
        "sample": ("Nº d'échantillon", "S-0412"),
        "description": ("Description", "Bouteille étiquetée R-134a, 13,6 kg"),
        "collected": ("Prélevé par / date et heure", "Agent 1138 / 2026-04-18 10 h 42"),
        "seal": ("Nº de scellé", "0077153"),
        "relinquished": ("Remis par (signature, date, heure)", ""),
        "received": ("Reçu par (signature, date, heure)", ""),
        "storage": ("Lieu d'entreposage", "Salle des pièces B, casier 4"),
    },
    "es": {
        "title": "REGISTRO DE CADENA DE CUSTODIA (ficticio)",
        "sample": ("Núm. de muestra", "S-0412"),
        "description": ("Descripción", "Cilindro etiquetado R-134a, 13.6 kg"),
        "collected": ("Tomada por / fecha y hora", "Oficial 1138 / 2026-04-18 10:42"),
        "seal": ("Núm. de sello", "0077153"),
        "relinquished": ("Entrega (firma, fecha, hora)", ""),
        "received": ("Recibe (firma, fecha, hora)", ""),
        "storage": ("Lugar de resguardo", "Bodega de evidencias B, casillero 4"),
    },
}


def custody_fields() -> dict[str, Rect]:
    """Return the field rectangles of the mock record; the same in every language."""
    return {
        "sample": (20, 70, 200, 70),
        "description": (240, 70, 540, 70),
        "collected": (20, 160, 480, 70),
        "seal": (520, 160, 260, 70),
        "relinquished": (20, 250, 370, 90),
        "received": (410, 250, 370, 90),
        "storage": (20, 360, 760, 60),
    }


def draw_custody_form(lang: str) -> Image.Image:
    words = CUSTODY[lang]
    image = Image.new("RGB", (800, 440), PAPER)
    draw = ImageDraw.Draw(image)
    draw.text((20, 22), words["title"], font=font(22, bold=True), fill=INK)
    for key, rect in custody_fields().items():
        label, value = words[key]
        draw_field(draw, rect, label, [value])
        if key in ("relinquished", "received"):
            x, y, w, h = rect
            draw.line((x + 12, y + h - 18, x + w - 12, y + h - 18), fill=GREY, width=1)  # signature line
    return image


# --- Who to call: commodity by country (words, one per language) ----------------------------------

CONTACTS = {
    "en": {
        "title": "Who to call",
        "countries": ("Canada", "Mexico", "United States"),
        "rows": {
            "wildlife": (
                "Wildlife (CITES)",
                ("ECCC with CBSA", "PROFEPA with ANAM; SEMARNAT permits", "USFWS Office of Law Enforcement; CBP"),
            ),
            "ods": ("ODS and HFCs", ("ECCC; CBSA Memo D19-7-2", "SEMARNAT (UPCO)", "EPA; CBP")),
            "waste": ("Hazardous waste", ("ECCC (permits)", "SEMARNAT; PROFEPA verifies", "EPA (consent); CBP")),
        },
    },
    "fr": {
        "title": "Qui appeler",
        "countries": ("Canada", "Mexique", "États-Unis"),
        "rows": {
            "wildlife": (
                "Espèces sauvages (CITES)",
                ("ECCC avec l'ASFC", "PROFEPA avec l'ANAM; permis du SEMARNAT", "USFWS Office of Law Enforcement; CBP"),
            ),
            "ods": ("SAO et HFC", ("ECCC; mémorandum D19-7-2 de l'ASFC", "SEMARNAT (UPCO)", "EPA; CBP")),
            "waste": (
                "Déchets dangereux",
                ("ECCC (permis)", "SEMARNAT; vérification PROFEPA", "EPA (consentement); CBP"),
            ),
        },
    },
    "es": {
        "title": "A quién llamar",
        "countries": ("Canadá", "México", "Estados Unidos"),
        "rows": {
            "wildlife": (
                "Vida silvestre (CITES)",
                (
                    "ECCC con la CBSA",
                    "PROFEPA con la ANAM; permisos de SEMARNAT",
                    "USFWS Office of Law Enforcement; CBP",
                ),
            ),
            "ods": ("SAO y HFC", ("ECCC; Memorándum D19-7-2 de la CBSA", "SEMARNAT (UPCO)", "EPA; CBP")),
            "waste": (
                "Residuos peligrosos",
                ("ECCC (permisos)", "SEMARNAT; verifica PROFEPA", "EPA (consentimiento); CBP"),
            ),
        },
    },
}
COUNTRY_IDS = ("ca", "mx", "us")


def contact_cells() -> dict[str, Rect]:
    """Return the agency cells, keyed `<commodity>-<country>`; the same in every language."""
    cells: dict[str, Rect] = {}
    for row_no, row in enumerate(CONTACTS["en"]["rows"]):
        for col_no, country in enumerate(COUNTRY_IDS):
            cells[f"{row}-{country}"] = (200 + col_no * 196, 110 + row_no * 96, 196, 96)
    return cells


def draw_contacts(lang: str) -> Image.Image:
    words = CONTACTS[lang]
    image = Image.new("RGB", (800, 420), PAPER)
    draw = ImageDraw.Draw(image)
    draw.text((20, 20), words["title"], font=font(24, bold=True), fill=INK)
    for col_no, country in enumerate(words["countries"]):
        x = 200 + col_no * 196
        draw.rectangle((x, 66, x + 196, 110), fill=LIGHT, outline=INK, width=2)
        draw.text((x + 10, 78), country, font=font(16, bold=True), fill=INK)
    cells = contact_cells()
    for row_no, (row, (label, agencies)) in enumerate(words["rows"].items()):
        y = 110 + row_no * 96
        draw.rectangle((4, y, 200, y + 96), fill=LIGHT, outline=INK, width=2)
        for line_no, line in enumerate(wrap(draw, label, font(15, bold=True), 180)):
            draw.text((12, y + 10 + 20 * line_no), line, font=font(15, bold=True), fill=INK)
        for country, agency in zip(COUNTRY_IDS, agencies, strict=True):
            x, cy, w, h = cells[f"{row}-{country}"]
            draw.rectangle((x, cy, x + w, cy + h), outline=INK, width=2)
            for line_no, line in enumerate(wrap(draw, agency, font(14), w - 16)):
                draw.text((x + 8, cy + 10 + 19 * line_no), line, font=font(14), fill=INK)
    return image


def main() -> None:
    icons = {
        "icon-parrot.png": draw_parrot,
        "icon-cylinder.png": draw_cylinder,
        "icon-battery.png": draw_battery,
        "icon-drum.png": draw_drum,
        "icon-log.png": draw_log,
    }
    for name, draw_icon in icons.items():
        save(draw_icon(), name)
    for lang in LANGUAGES:
        save(draw_conventions(lang), "conventions.png", lang)
    for key, rect in convention_cards().items():
        region(key, "conventions.png", rect)
    for lang in LANGUAGES:
        save(draw_invoice(lang), "invoice.png", lang)
        save(draw_licence_and_invoice(lang), "licence-and-invoice.png", lang)
    for key, rect in invoice_fields().items():
        region(key, "invoice.png", rect)
    ppe = {
        "ppe-respirator.png": draw_respirator,
        "ppe-earmuffs.png": draw_earmuffs,
        "ppe-hard-hat.png": draw_hard_hat,
        "ppe-boot.png": draw_boot,
    }
    for name, draw_item in ppe.items():
        save(draw_item(), name)
    for state in ("sealed", "torn", "open"):
        save(draw_bag(state), f"sample-{state}.png")
    for lang in LANGUAGES:
        save(draw_custody_form(lang), "custody-form.png", lang)
    for key, rect in custody_fields().items():
        region(key, "custody-form.png", rect)
    for lang in LANGUAGES:
        save(draw_contacts(lang), "who-to-call.png", lang)
    for key, rect in contact_cells().items():
        region(key, "who-to-call.png", rect)


if __name__ == "__main__":
    main()
