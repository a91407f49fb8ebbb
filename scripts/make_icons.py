#!/usr/bin/env python3
"""The handbook's icon (src/skillbook/sphinxext/static/skillbook-icon.svg) as the PNG sizes phones ask for.

Usage: python3 scripts/make_icons.py  (writes skillbook-icon-192.png and -512.png beside the theme's CSS)
The drawing is the SVG's: an open book in white on the handbook's blue, with room around it so the
same picture serves as a maskable icon.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parent.parent / "src" / "skillbook" / "site" / "theme" / "skillbook" / "static"
BLUE, WHITE = (47, 111, 143, 255), (255, 255, 255, 255)


def icon(size: int) -> Image.Image:
    scale = size / 64
    image = Image.new("RGBA", (size, size), BLUE)
    draw = ImageDraw.Draw(image)
    # the two pages of the book (the SVG's paths, drawn as polygons), inside the maskable safe zone
    left = [(14, 18), (21, 15.5), (27, 16), (32, 20), (32, 50), (27, 46.5), (21, 46), (14, 48)]
    right = [(64 - x, y) for x, y in left]
    for page in (left, right):
        draw.polygon([(x * scale, y * scale) for x, y in page], fill=WHITE)
    return image


def main() -> None:
    for size in (192, 512):
        icon(size).save(STATIC / f"skillbook-icon-{size}.png", optimize=True)


if __name__ == "__main__":
    main()
