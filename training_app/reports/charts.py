"""Server-rendered SVG charts: no JavaScript; a <title> and <desc> name them, and a table repeats the numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

WIDTH = 640
LABEL_WIDTH = 210
VALUE_WIDTH = 70
ROW_HEIGHT = 30
BAR_HEIGHT = 18
MAX_LABEL = 30


@dataclass(frozen=True)
class Bar:
    label: str
    #: 0..1
    share: Decimal
    #: the share as the reader's language writes it, e.g. "42 %"
    text: str


def bar_chart(chart_id: str, title: str, description: str, bars: Sequence[Bar]) -> Markup:
    """Horizontal bars of shares (0..1), one per row, each labelled with its name and value."""
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = max(1, len(bars)) * ROW_HEIGHT + 10
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
        f'<line class="chart-axis" x1="{LABEL_WIDTH}" y1="0" x2="{LABEL_WIDTH}" y2="{height}" stroke="#555"/>',
    ]
    for row, bar in enumerate(bars):
        y = row * ROW_HEIGHT + 5
        length = round(plot * float(min(max(bar.share, Decimal(0)), Decimal(1))), 1)
        label = bar.label if len(bar.label) <= MAX_LABEL else bar.label[:MAX_LABEL - 1] + "…"
        middle = y + BAR_HEIGHT / 2 + 5
        parts.append(
            f'<g><text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end">{escape(label)}</text>'
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" '
            f'fill="#1d6b48"/>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{middle}">{escape(bar.text)}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  # nosec B704 - every value above is escaped
