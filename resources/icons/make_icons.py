"""Draws the app icon once and writes it as SVG, PNG sizes, .ico (Windows) and .icns (macOS).

The shapes are defined here in a 256-unit square so the SVG and the Pillow raster stay the same
picture. Pillow is a build-only dependency (`pip install -e ".[build]"`); the app never imports
this. Run: `python resources/icons/make_icons.py` (writes into telecrm_desktop/assets/icons/).
"""

from __future__ import annotations

import sys
from pathlib import Path

# the app reads the icons as package data (telecrm_desktop/assets/icons); this drawing script stays out
HERE = Path(__file__).resolve().parents[2] / "telecrm_desktop" / "assets" / "icons"
NAME = "telecrm-desktop"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
SUPERSAMPLE = 4  # draw at 1024 px and shrink, so edges are smooth at every size

TILE = "#0F766E"  # teal background tile
SHEET = "#FFFFFF"
GRID = "#5EEAD4"
BADGE = "#F59E0B"  # amber "send" badge
ARROW = "#FFFFFF"

# A spreadsheet (white sheet with grid lines) and an amber badge with an arrow going out of it:
# "rows from a sheet, sent on". Coordinates in a 256 x 256 box.
TILE_BOX, TILE_RADIUS = (16, 16, 240, 240), 52
SHEET_BOX, SHEET_RADIUS = (52, 46, 164, 206), 12
GRID_ROWS = (86, 118, 150, 182)
GRID_COLUMN = 92
GRID_WIDTH = 8
BADGE_CENTRE, BADGE_RADIUS = (170, 170), 50
# an arrow pointing up and to the right, inside the badge
ARROW_POINTS = (
    (146, 186), (176, 156), (160, 156), (160, 142), (198, 142),
    (198, 180), (184, 180), (184, 164), (154, 194),
)


def svg_text() -> str:
    x0, y0, x1, y1 = TILE_BOX
    sx0, sy0, sx1, sy1 = SHEET_BOX
    cx, cy = BADGE_CENTRE
    grid = "\n".join(
        f'    <line x1="{sx0 + 10}" y1="{y}" x2="{sx1 - 10}" y2="{y}"/>' for y in GRID_ROWS
    )
    points = " ".join(f"{x},{y}" for x, y in ARROW_POINTS)
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <title>telecrm desktop importer</title>
  <rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" rx="{TILE_RADIUS}" fill="{TILE}"/>
  <rect x="{sx0}" y="{sy0}" width="{sx1 - sx0}" height="{sy1 - sy0}" rx="{SHEET_RADIUS}" fill="{SHEET}"/>
  <g stroke="{GRID}" stroke-width="{GRID_WIDTH}" stroke-linecap="round">
{grid}
    <line x1="{GRID_COLUMN}" y1="{sy0 + 14}" x2="{GRID_COLUMN}" y2="{sy1 - 14}"/>
  </g>
  <circle cx="{cx}" cy="{cy}" r="{BADGE_RADIUS + 8}" fill="{TILE}"/>
  <circle cx="{cx}" cy="{cy}" r="{BADGE_RADIUS}" fill="{BADGE}"/>
  <polygon points="{points}" fill="{ARROW}"/>
</svg>
"""


def draw(size: int):
    from PIL import Image, ImageDraw  # build-only; svg_text() works without it

    big = size * SUPERSAMPLE
    k = big / 256

    def box(b):
        return tuple(round(v * k) for v in b)

    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle(box(TILE_BOX), radius=round(TILE_RADIUS * k), fill=TILE)
    pen.rounded_rectangle(box(SHEET_BOX), radius=round(SHEET_RADIUS * k), fill=SHEET)
    sx0, sy0, sx1, sy1 = SHEET_BOX
    width = round(GRID_WIDTH * k)
    lines = [(sx0 + 10, y, sx1 - 10, y) for y in GRID_ROWS]
    lines.append((GRID_COLUMN, sy0 + 14, GRID_COLUMN, sy1 - 14))
    for line in lines:
        x0, y0, x1, y1 = box(line)
        pen.line((x0, y0, x1, y1), fill=GRID, width=width)
        for x, y in ((x0, y0), (x1, y1)):  # round caps, as in the SVG
            pen.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=GRID)
    cx, cy = BADGE_CENTRE
    for radius, colour in ((BADGE_RADIUS + 8, TILE), (BADGE_RADIUS, BADGE)):
        pen.ellipse(box((cx - radius, cy - radius, cx + radius, cy + radius)), fill=colour)
    pen.polygon([(x * k, y * k) for x, y in ARROW_POINTS], fill=ARROW)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main(out: Path = HERE) -> int:
    (out / f"{NAME}.svg").write_text(svg_text(), encoding="utf-8", newline="\n")
    images = {size: draw(size) for size in sorted(set(PNG_SIZES) | {1024})}
    for size in PNG_SIZES:
        images[size].save(out / f"{NAME}-{size}.png", optimize=True)
    images[256].save(out / f"{NAME}.ico", sizes=[(s, s) for s in ICO_SIZES])
    # Pillow builds every .icns member (16 ... 1024, @2x) from the largest image it is given
    images[1024].save(out / f"{NAME}.icns")
    print(f"icons written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE))
