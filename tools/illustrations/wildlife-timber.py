"""Draw the original illustrations of the wildlife-timber course.

Run from the repository root: `python tools/illustrations/wildlife-timber.py`.
The script overwrites the PNG files and prints every hotspot region, so the quiz
YAML can be checked against what was drawn. The geometry of an image never depends
on its language: the regions are the same in en/, fr/ and es/.
"""

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

COURSE = Path(__file__).resolve().parents[2] / "courses" / "wildlife-timber"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
ITALIC = "/usr/share/fonts/truetype/dejavu/DejaVuSans-BoldOblique.ttf"
LANGS = ("en", "fr", "es")
INK = (30, 30, 30)
LINE = (90, 90, 90)
PAPER = (252, 250, 240)

Rect = tuple[int, int, int, int]  # x, y, width, height, as in the quiz YAML


def font(size: int, path: str = FONT) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def fitted(draw: ImageDraw.ImageDraw, text: str, width: int, size: int, path: str = FONT) -> ImageFont.FreeTypeFont:
    """The largest font, from `size` down, in which `text` fits `width` pixels."""
    while size > 9 and draw.textlength(text, font=font(size, path)) > width:
        size -= 1
    return font(size, path)


def save(image: Image.Image, path: Path) -> None:
    """Save as a small palette PNG (the illustrations use few colours)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image.convert("P", palette=Image.Palette.ADAPTIVE, colors=48).save(path, optimize=True)
    print(f"wrote {path.relative_to(COURSE)} ({path.stat().st_size // 1024} KB)")


def print_regions(name: str, regions: dict[str, Rect]) -> None:
    print(f"regions of {name}:")
    for region_id, rect in regions.items():
        print(f"  - {{id: {region_id}, rect: [{', '.join(str(v) for v in rect)}]}}")


# --- Mock CITES export permit (module cites-and-permits) -------------------------------

PERMIT_SIZE = (800, 600)
#: field id -> box; the boxes are also the hotspot regions
PERMIT_BOXES: dict[str, Rect] = {
    "document-type": (20, 75, 370, 60),
    "permit-number": (410, 75, 370, 60),
    "exporter": (20, 145, 370, 80),
    "importer": (410, 145, 370, 80),
    "validity": (20, 235, 370, 60),
    "purpose-code": (410, 235, 175, 60),
    "source-code": (605, 235, 175, 60),
    "scientific-name": (20, 305, 280, 110),
    "description": (300, 305, 200, 110),
    "quantity": (500, 305, 140, 110),
    "appendix": (640, 305, 140, 110),
    "applicant-signature": (20, 425, 370, 75),
    "management-authority": (410, 425, 370, 75),
    "export-endorsement": (20, 510, 760, 75),
}
#: the filled-in values are the same in every language (codes, names, numbers)
PERMIT_VALUES: dict[str, list[str]] = {
    "permit-number": ["TR-2026-00417"],
    "exporter": ["Example Sturgeon Farm Ltd.", "1 River Road, {country} A"],
    "importer": ["Sample Fine Foods Inc.", "9 Harbour Street, {country} B"],
    "validity": ["2026-03-04  /  2026-09-04"],
    "purpose-code": ["T"],
    "source-code": ["C"],
    "scientific-name": ["Acipenser baerii"],
    "quantity": ["20 kg"],
    "appendix": ["II"],
}
PERMIT_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "CITES EXPORT PERMIT",
        "country": "Country",
        "subtitle": "Training mock-up, not the layout of an official form",
        "document-type": "1. Type of document",
        "document-type-value": "EXPORT PERMIT · ORIGINAL",
        "permit-number": "2. Permit number",
        "exporter": "3. Exporter (name and address)",
        "importer": "4. Importer (name and address)",
        "validity": "5. Date of issue / valid until",
        "purpose-code": "6. Purpose",
        "source-code": "7. Source",
        "scientific-name": "8. Scientific name",
        "description": "9. Description",
        "description-value": "Caviar (tins)",
        "quantity": "10. Quantity",
        "appendix": "11. Appendix",
        "applicant-signature": "12. Applicant's signature",
        "management-authority": "13. Issuing Management Authority",
        "export-endorsement": "14. Export endorsement: quantity actually exported, by the official at export",
    },
    "fr": {
        "title": "PERMIS D'EXPORTATION CITES",
        "country": "Pays",
        "subtitle": "Maquette de formation, pas la présentation d'un formulaire officiel",
        "document-type": "1. Type de document",
        "document-type-value": "PERMIS D'EXPORTATION · ORIGINAL",
        "permit-number": "2. Numéro du permis",
        "exporter": "3. Exportateur (nom et adresse)",
        "importer": "4. Importateur (nom et adresse)",
        "validity": "5. Date de délivrance / valide jusqu'au",
        "purpose-code": "6. But",
        "source-code": "7. Source",
        "scientific-name": "8. Nom scientifique",
        "description": "9. Description",
        "description-value": "Caviar (boîtes)",
        "quantity": "10. Quantité",
        "appendix": "11. Annexe",
        "applicant-signature": "12. Signature du demandeur",
        "management-authority": "13. Organe de gestion qui délivre le permis",
        "export-endorsement": (
            "14. Validation de l'exportation : quantité réellement exportée, par l'agent à l'exportation"
        ),
    },
    "es": {
        "title": "PERMISO DE EXPORTACIÓN CITES",
        "country": "País",
        "subtitle": "Maqueta de capacitación, no es el formato de un formulario oficial",
        "document-type": "1. Tipo de documento",
        "document-type-value": "PERMISO DE EXPORTACIÓN · ORIGINAL",
        "permit-number": "2. Número de permiso",
        "exporter": "3. Exportador (nombre y domicilio)",
        "importer": "4. Importador (nombre y domicilio)",
        "validity": "5. Fecha de expedición / válido hasta",
        "purpose-code": "6. Propósito",
        "source-code": "7. Origen",
        "scientific-name": "8. Nombre científico",
        "description": "9. Descripción",
        "description-value": "Caviar (latas)",
        "quantity": "10. Cantidad",
        "appendix": "11. Apéndice",
        "applicant-signature": "12. Firma del solicitante",
        "management-authority": "13. Autoridad Administrativa que expide",
        "export-endorsement": (
            "14. Validación de la exportación: cantidad realmente exportada, por el funcionario en la salida"
        ),
    },
}


def draw_permit(lang: str) -> Image.Image:
    words = PERMIT_WORDS[lang]
    image = Image.new("RGB", PERMIT_SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, PERMIT_SIZE[0], 62), fill=(38, 84, 64))
    draw.text((20, 8), words["title"], font=fitted(draw, words["title"], 760, 26, BOLD), fill="white")
    draw.text((20, 40), words["subtitle"], font=fitted(draw, words["subtitle"], 760, 15), fill=(220, 235, 225))
    for field, (x, y, w, h) in PERMIT_BOXES.items():
        draw.rectangle((x, y, x + w, y + h), outline=LINE, width=2)
        label = words[field]
        draw.text((x + 8, y + 6), label, font=fitted(draw, label, w - 16, 14), fill=(70, 70, 70))
        values = PERMIT_VALUES.get(field, [])
        if field == "document-type":
            values = [words["document-type-value"]]
        elif field == "description":
            values = [words["description-value"]]
        for row, value in enumerate(values):
            value = value.format(country=words["country"])
            style = MONO if field in ("permit-number", "purpose-code", "source-code", "validity") else BOLD
            if field == "scientific-name":
                style = ITALIC
            draw.text((x + 10, y + 28 + 22 * row), value, font=fitted(draw, value, w - 20, 18, style), fill=INK)
    # handwritten-looking strokes stand for the signatures
    x, y, w, h = PERMIT_BOXES["applicant-signature"]
    draw.line([(x + 30, y + 58), (x + 70, y + 36), (x + 95, y + 60), (x + 130, y + 38), (x + 170, y + 56)],
              fill=(40, 40, 140), width=3)
    x, y, w, h = PERMIT_BOXES["management-authority"]
    draw.line([(x + 30, y + 60), (x + 80, y + 40), (x + 120, y + 58), (x + 170, y + 42)], fill=(40, 40, 140), width=3)
    return image


# --- Ivory cross-sections (module commodities-and-identification) ----------------------

#: file name -> outer Schreger angle drawn, in degrees
SCHREGER_ANGLES: dict[str, int] = {"schreger-a.png": 125, "schreger-b.png": 70, "schreger-c.png": 100}


def draw_schreger(angle: int) -> Image.Image:
    """A polished tusk cross-section with two families of crossing spirals.

    Each spiral r = r0 * exp(k * theta) meets the radius at a fixed angle atan(1/k); two
    mirrored families therefore cross at `angle`, opening towards the bark.
    """
    size, centre, outer, inner = 400, 200, 170, 28
    image = Image.new("RGB", (size, size), (245, 245, 245))
    draw = ImageDraw.Draw(image)
    draw.ellipse((centre - outer - 8, centre - outer - 8, centre + outer + 8, centre + outer + 8), fill=(205, 190, 160))
    draw.ellipse((centre - outer, centre - outer, centre + outer, centre + outer), fill=(240, 228, 200))
    k = 1 / math.tan(math.radians(angle / 2))
    for direction in (1, -1):
        for start in range(0, 360, 12):
            points = []
            theta = 0.0
            while True:
                r = inner * math.exp(k * theta)
                if r > outer:
                    break
                a = math.radians(start) + direction * theta
                points.append((centre + r * math.cos(a), centre + r * math.sin(a)))
                theta += 0.01
            if len(points) > 1:
                draw.line(points, fill=(150, 125, 85), width=2)
    draw.ellipse((centre - inner, centre - inner, centre + inner, centre + inner), fill=(225, 210, 180))
    # the measured angle, drawn as a protractor mark near the outer edge
    mark = (centre, 26)
    half = math.radians(angle / 2)
    for side in (1, -1):
        end = (mark[0] + side * 60 * math.sin(half), mark[1] + 60 * math.cos(half))
        draw.line([mark, end], fill=(190, 30, 30), width=3)
    draw.arc((mark[0] - 28, mark[1] - 28, mark[0] + 28, mark[1] + 28), 90 - angle / 2, 90 + angle / 2,
             fill=(190, 30, 30), width=3)
    label = f"{angle}°"
    draw.rectangle((300, 350, 392, 392), fill="white", outline=(190, 30, 30), width=2)
    draw.text((346, 371), label, font=font(24, BOLD), fill=(190, 30, 30), anchor="mm")
    return image


# --- Caviar tin label (module commodities-and-identification) ---------------------------

CAVIAR_SIZE = (640, 400)
#: the six elements of the universal caviar label, in their order on the label
CAVIAR_CODE = [
    ("species-code", "BAE"),
    ("source-code", "C"),
    ("country-code", "IT"),
    ("harvest-year", "2024"),
    ("plant-code", "0000"),
    ("lot-number", "0000"),
]


def draw_caviar_label() -> tuple[Image.Image, dict[str, Rect]]:
    """A round tin seen from above with its non-reusable label; returns the code regions."""
    image = Image.new("RGB", CAVIAR_SIZE, (235, 238, 242))
    draw = ImageDraw.Draw(image)
    draw.ellipse((120, 20, 520, 380), fill=(170, 175, 185), outline=(110, 115, 125), width=4)
    draw.ellipse((140, 38, 500, 362), fill=(200, 204, 212))
    draw.rounded_rectangle((40, 150, 600, 250), radius=10, fill="white", outline=(40, 40, 40), width=3)
    # a cut line across the label: it tears when the tin is opened, so it cannot be reused
    draw.line([(60, 240), (580, 240)], fill=(150, 150, 150), width=1)
    code_font = font(34, MONO)
    regions: dict[str, Rect] = {}
    x, y = 66, 176
    for index, (element, text) in enumerate(CAVIAR_CODE):
        left, top, right, bottom = draw.textbbox((x, y), text, font=code_font)
        draw.text((x, y), text, font=code_font, fill=INK)
        regions[element] = (left - 6, top - 8, right - left + 12, bottom - top + 16)
        x = right
        if index < len(CAVIAR_CODE) - 1:
            draw.text((x, y), "/", font=code_font, fill=(120, 120, 120))
            x = draw.textbbox((x, y), "/", font=code_font)[2]
    return image, regions


# --- Crocodilian skin tag (module commodities-and-identification) -----------------------

def draw_croc_tag() -> Image.Image:
    """A strip of scaled skin with a locked plastic tag through it."""
    image = Image.new("RGB", (600, 320), (240, 240, 236))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((30, 60, 570, 290), radius=30, fill=(120, 100, 70))
    for row in range(5):
        for col in range(11):
            x0, y0 = 50 + col * 47 + (row % 2) * 20, 75 + row * 42
            draw.rounded_rectangle((x0, y0, x0 + 40, y0 + 34), radius=8, fill=(140, 118, 84), outline=(90, 72, 48))
    draw.ellipse((82, 92, 102, 112), fill=(60, 50, 35))
    draw.line([(92, 102), (150, 40)], fill=(200, 200, 200), width=6)
    draw.rounded_rectangle((140, 12, 470, 72), radius=12, fill=(250, 210, 40), outline=(90, 80, 20), width=3)
    draw.text((305, 42), "TH23-0042POR", font=font(32, MONO), fill=INK, anchor="mm")
    return image


# --- Mock Lacey Act plant declaration (module timber-and-north-american-law) -------------

LACEY_SIZE = (800, 420)
#: field id -> box; the boxes are also the hotspot regions
LACEY_BOXES: dict[str, Rect] = {
    "importer": (20, 75, 370, 70),
    "entry-number": (410, 75, 370, 70),
    "description": (20, 160, 200, 110),
    "genus": (220, 160, 110, 110),
    "species": (330, 160, 110, 110),
    "country-of-harvest": (440, 160, 130, 110),
    "quantity": (570, 160, 100, 110),
    "value": (670, 160, 110, 110),
    "recycled-content": (20, 285, 370, 60),
    "declarant": (410, 285, 370, 60),
}
LACEY_VALUES: dict[str, list[str]] = {
    "importer": ["Sample Furniture Imports LLC"],
    "entry-number": ["TR-2026-0815"],
    "genus": ["Dalbergia"],
    "quantity": ["12 m³"],
    "value": ["USD 48,000"],
    "recycled-content": ["—"],
}
LACEY_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "LACEY ACT PLANT DECLARATION",
        "subtitle": "Training mock-up of the required information, not the PPQ Form 505 layout",
        "importer": "Importer",
        "entry-number": "Entry number",
        "description": "Description of goods",
        "description-value": "Hardwood furniture parts",
        "genus": "Genus",
        "species": "Species",
        "country-of-harvest": "Country of harvest",
        "quantity": "Quantity",
        "value": "Value",
        "recycled-content": "Recycled content (paper), %",
        "declarant": "Declarant's signature",
        "footer": "Genus, species, country of harvest, quantity and value are required for every plant.",
    },
    "fr": {
        "title": "DÉCLARATION DE PLANTES (LACEY ACT)",
        "subtitle": "Maquette de formation des renseignements exigés, pas la présentation du formulaire PPQ 505",
        "importer": "Importateur",
        "entry-number": "Numéro d'entrée",
        "description": "Description des marchandises",
        "description-value": "Pièces de meubles en bois dur",
        "genus": "Genre",
        "species": "Espèce",
        "country-of-harvest": "Pays de récolte",
        "quantity": "Quantité",
        "value": "Valeur",
        "recycled-content": "Contenu recyclé (papier), %",
        "declarant": "Signature du déclarant",
        "footer": "Le genre, l'espèce, le pays de récolte, la quantité et la valeur sont exigés pour chaque plante.",
    },
    "es": {
        "title": "DECLARACIÓN DE PLANTAS (LEY LACEY)",
        "subtitle": "Maqueta de capacitación de la información requerida, no el formato del formulario PPQ 505",
        "importer": "Importador",
        "entry-number": "Número de entrada",
        "description": "Descripción de las mercancías",
        "description-value": "Partes de muebles de madera dura",
        "genus": "Género",
        "species": "Especie",
        "country-of-harvest": "País de cosecha",
        "quantity": "Cantidad",
        "value": "Valor",
        "recycled-content": "Contenido reciclado (papel), %",
        "declarant": "Firma del declarante",
        "footer": "Género, especie, país de cosecha, cantidad y valor son obligatorios para cada planta.",
    },
}


def wrapped(draw: ImageDraw.ImageDraw, text: str, width: int, face: ImageFont.FreeTypeFont) -> list[str]:
    """Split `text` into lines no wider than `width` pixels."""
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=face) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def draw_lacey(lang: str) -> Image.Image:
    words = LACEY_WORDS[lang]
    image = Image.new("RGB", LACEY_SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, LACEY_SIZE[0], 62), fill=(60, 70, 110))
    draw.text((20, 8), words["title"], font=fitted(draw, words["title"], 760, 26, BOLD), fill="white")
    draw.text((20, 40), words["subtitle"], font=fitted(draw, words["subtitle"], 760, 15), fill=(220, 225, 240))
    value_font = font(16, BOLD)
    for field, (x, y, w, h) in LACEY_BOXES.items():
        draw.rectangle((x, y, x + w, y + h), outline=LINE, width=2)
        label = words[field]
        draw.text((x + 6, y + 6), label, font=fitted(draw, label, w - 12, 14), fill=(70, 70, 70))
        values = [words["description-value"]] if field == "description" else LACEY_VALUES.get(field, [])
        for value in values:
            style = ITALIC if field == "genus" else BOLD
            lines = wrapped(draw, value, w - 16, value_font)
            for row, line in enumerate(lines):
                draw.text((x + 8, y + 30 + 22 * row), line, font=fitted(draw, line, w - 16, 16, style), fill=INK)
    x, y, w, h = LACEY_BOXES["declarant"]
    draw.line([(x + 30, y + 50), (x + 80, y + 32), (x + 120, y + 50), (x + 170, y + 34)], fill=(40, 40, 140), width=3)
    footer = words["footer"]
    draw.text((20, 370), footer, font=fitted(draw, footer, 760, 15), fill=(70, 70, 70))
    return image


def main() -> None:
    for lang in LANGS:
        save(draw_permit(lang), COURSE / lang / "media" / "permit-mock.png")
    print_regions("permit-mock.png", PERMIT_BOXES)
    for name, angle in SCHREGER_ANGLES.items():
        save(draw_schreger(angle), COURSE / "media" / name)
    label, regions = draw_caviar_label()
    save(label, COURSE / "media" / "caviar-label.png")
    print_regions("caviar-label.png", regions)
    save(draw_croc_tag(), COURSE / "media" / "croc-tag.png")
    for lang in LANGS:
        save(draw_lacey(lang), COURSE / lang / "media" / "lacey-mock.png")
    print_regions("lacey-mock.png", LACEY_BOXES)


if __name__ == "__main__":
    main()
