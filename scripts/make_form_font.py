#!/usr/bin/env python3
"""DejaVu Sans in, `src/skillbook/fonts/SkillbookFormSans.ttf` out: a Latin subset for PDF form fields.

A PDF form field embeds its font in full (readers need every glyph a person might type), so
with DejaVu Sans each worksheet carried 760 kB of font and took most of its time to write. This
subset covers Latin-script languages and common punctuation. It is renamed, as the Bitstream Vera
licence requires of modified versions; the licence travels with it (fonts/LICENSE-DejaVu.txt).
Usage: python scripts/make_form_font.py [/path/to/DejaVuSans.ttf]
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

SOURCE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
TARGET = Path(__file__).resolve().parent.parent / "src" / "skillbook" / "worksheets" / "fonts" / "SkillbookFormSans.ttf"
FAMILY = "Skillbook Form Sans"
# Basic Latin, Latin-1, Latin Extended-A and -B, punctuation, currency and a few symbols
UNICODES = [*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x2010, 0x2028), *range(0x2030, 0x203B),
            0x20AC, 0x2122, 0x2190, 0x2192, 0x2713, 0x2714]


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    font = TTFont(source)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False  # PDF viewers do not use TrueType hinting
    options.layout_features = ["kern", "liga"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID in (3, 4):
            record.string = f"{FAMILY} Book" if record.nameID == 4 else f"{FAMILY}: subset of DejaVu Sans"
        elif record.nameID == 6:
            record.string = FAMILY.replace(" ", "")
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(TARGET)
    print(f"wrote {TARGET} ({TARGET.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
