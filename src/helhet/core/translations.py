"""Compile the message catalogues (locale/<language>/LC_MESSAGES/*.po) into .mo files in Python.

Babel reads and writes them, so neither `make demo`, `make test` nor a deployment needs GNU
gettext's `msgfmt`. As `msgfmt`, it leaves out fuzzy and untranslated messages.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def compile_catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Write a .mo beside every .po under LOCALE_DIR; the .mo files written, in order."""
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        language = po_path.parent.parent.name
        with open(po_path, "rb") as po:
            catalogue = read_po(po, locale=language, domain=po_path.stem)
        mo_path = po_path.with_suffix(".mo")
        with open(mo_path, "wb") as mo:
            write_mo(mo, catalogue)
        written.append(mo_path)
    return written
