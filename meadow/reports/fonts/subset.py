"""How the Chinese font Meadow ships is made: Noto Sans CJK SC cut down to real text.

The full Noto Sans CJK collection is some 20 MB per weight; a report in Chinese needs a
small part of it. The subset keeps:

- every character of GB 2312 (its 6,763 hanzi, and the punctuation, fullwidth forms,
  kana, Greek and Cyrillic of the national standard for simplified Chinese);
- every CJK character of the texts Meadow ships in Chinese: the report templates and
  concepts (``meadow/reports/data``), the interface translation
  (``meadow/locale/zh_Hans``) and the names of places (``meadow/places/data``);
- the CJK symbols and punctuation block, the halfwidth and fullwidth forms block,
  general punctuation, ASCII and Latin-1, so that numbers and codes inside Chinese
  text are set in the same font.

Run from the project's root, with fontTools installed (it comes with fpdf2)::

    python -m meadow.reports.fonts.subset /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

It runs ``pyftsubset`` on face 2 of the collection (Noto Sans CJK SC) with the options
in ``OPTIONS`` (the layout features a horizontal simplified Chinese text uses; ``locl``
is left out, as it only adds the Japanese, Korean and traditional forms), then converts
the PostScript (CFF) outlines to TrueType quadratic outlines (``to_truetype``), the
kind of font every PDF reader handles, and writes ``NotoSansCJKsc-Regular-subset.ttf``
next to this file.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
OUTPUT = HERE / "NotoSansCJKsc-Regular-subset.ttf"
# The face of NotoSansCJK-Regular.ttc that is simplified Chinese.
FACE = 2
OPTIONS = [
    "--layout-features=ccmp,kern,liga,mark,mkmk",
    "--no-hinting",
    "--name-IDs=*",
    "--name-languages=*",
    "--notdef-outline",
    "--recommended-glyphs",
]
# Largest distance (font units, of 1000 per em) between a cubic curve and its
# quadratic approximation.
MAX_ERROR = 1.0
RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1
    (0x2000, 0x206F),  # general punctuation
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF00, 0xFFEF),  # halfwidth and fullwidth forms
)
TEXTS = (
    ("meadow/reports/data", "*.yaml"),
    ("meadow/locale/zh_Hans", "*.po"),
    ("meadow/places/data", "*.csv"),
    ("meadow/places/data", "*.json"),
)


def is_cjk(char: str) -> bool:
    point = ord(char)
    return (
        0x2E80 <= point <= 0x9FFF
        or 0xF900 <= point <= 0xFAFF
        or 0xFE30 <= point <= 0xFE4F
        or 0xFF00 <= point <= 0xFFEF
        or 0x20000 <= point <= 0x3FFFF
    )


def gb2312() -> set[int]:
    """Every character GB 2312 encodes (rows 1-9 symbols, rows 16-87 hanzi)."""
    out = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                out.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return out


def shipped_texts(root: Path = ROOT) -> set[int]:
    """The CJK characters of the Chinese texts Meadow ships."""
    out: set[int] = set()
    for folder, pattern in TEXTS:
        for path in sorted((root / folder).rglob(pattern)):
            out.update(ord(c) for c in path.read_text(encoding="utf-8") if is_cjk(c))
    return out


def repertoire(root: Path = ROOT) -> list[int]:
    points = gb2312() | shipped_texts(root)
    for first, last in RANGES:
        points.update(range(first, last + 1))
    return sorted(points)


def to_truetype(source: Path, target: Path) -> None:
    """Convert a font's CFF outlines to TrueType ``glyf`` outlines (as fontTools' otf2ttf)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(str(source), recalcTimestamp=False)
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font["head"].glyphDataFormat = 0
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"  # TrueType outlines, not "OTTO"
    font.save(str(target))


def main(argv: list[str] | None = None) -> int:
    from fontTools import subset

    parser = argparse.ArgumentParser(description="Make the Chinese font subset Meadow ships.")
    parser.add_argument("source", type=Path, help="NotoSansCJK-Regular.ttc (or the SC .otf)")
    parser.add_argument("--face", type=int, default=FACE, help="face of a .ttc collection")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="the TrueType file to write")
    args = parser.parse_args(argv)
    points = repertoire()
    with tempfile.TemporaryDirectory() as folder:
        unicodes = Path(folder) / "unicodes.txt"
        unicodes.write_text("".join(f"U+{p:04X}\n" for p in points), encoding="ascii")
        cut = Path(folder) / "subset.otf"
        command = [str(args.source), f"--unicodes-file={unicodes}", f"--output-file={cut}"]
        command += OPTIONS
        if args.source.suffix.lower() == ".ttc":
            command.append(f"--font-number={args.face}")
        subset.main(command)
        to_truetype(cut, args.output)
    size = args.output.stat().st_size
    print(f"{args.output.name}: {size:,} bytes, {len(points):,} code points asked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
