"""Swedish throughout: every text marked for translation in Helhet has a Swedish translation.

The texts are extracted as `makemessages` would, without GNU gettext: Python files and the
JavaScript by Babel's extractors with Django's keywords, templates through Django's own
`templatize` (what `makemessages` feeds to xgettext) and then Babel's Python extractor. Each
must be in `locale/sv/LC_MESSAGES/django.po` (or `djangojs.po`) with a Swedish text that is
neither empty nor fuzzy. A translation function imported or assigned under a name no extractor
knows (`gettext_lazy as _lazy`) would hide its texts from both: that fails too, naming the file.
"""

import ast
import io
from pathlib import Path

import django_otp_webauthn
from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.pofile import read_po
from django.utils.translation import templatize

import helhet

SOURCE = Path(helhet.__file__).resolve().parent
MESSAGES = SOURCE / "locale" / "sv" / "LC_MESSAGES"
# The scripts whose texts djangojs.po translates: Helhet's own and the passkey scripts of
# django-otp-webauthn that the second factor's pages load (core/mfa/).
SCRIPTS = [
    *sorted((SOURCE / "static").rglob("*.js")),
    *sorted((Path(django_otp_webauthn.__file__).parent / "static").rglob("*.js")),
]

# The keywords `makemessages` gives xgettext (gettext's defaults and Django's own), in Babel's
# notation: argument numbers of the singular and plural, (n, "c") for a context.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
# Django's JavaScript catalogue has no `_`; in the minified passkey scripts `_` is another function.
SCRIPT_KEYWORDS = {name: spec for name, spec in KEYWORDS.items() if name != "_"}
TRANSLATION_MODULE = "django.utils.translation"
TRANSLATION_FUNCTIONS = {name for name in KEYWORDS if name != "_"}

Found = dict[tuple[str | None, str], str]  # (context, msgid) → where it was first found


def _add(found: Found, method: str, data: bytes, where: Path) -> None:
    for lineno, message, _comments, context in extract(method, io.BytesIO(data), KEYWORDS):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault((context, msgid), f"{where.relative_to(SOURCE.parent)}:{lineno}")


def _template_as_python(path: Path) -> bytes:
    # templatize keeps each template line's indentation, which is not Python's; the calls it
    # writes are on one line each, so dropping it changes no text.
    text = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    return "\n".join(line.lstrip() for line in text.splitlines()).encode()


def extracted_python_and_templates() -> Found:
    found: Found = {}
    for path in sorted(SOURCE.rglob("*")):
        if "migrations" in path.parts or not path.is_file():
            continue
        if path.suffix == ".py":
            _add(found, "python", path.read_bytes(), path)
        elif path.suffix in (".html", ".txt") and "templates" in path.parts:
            _add(found, "python", _template_as_python(path), path)
    return found


def extracted_scripts() -> Found:
    found: Found = {}
    for path in SCRIPTS:
        for lineno, message, _comments, context in extract(
            "javascript", io.BytesIO(path.read_bytes()), SCRIPT_KEYWORDS
        ):
            msgid = message if isinstance(message, str) else message[0]
            found.setdefault((context, msgid), f"{path.name}:{lineno}")
    return found


def catalogue(name: str) -> Catalog:
    with open(MESSAGES / name, "rb") as po:
        return read_po(po, locale="sv")


def missing(found: Found, translations: Catalog) -> list[str]:
    """One line per text without a usable Swedish translation, sorted, saying why and where."""
    lines = []
    for (context, msgid), where in sorted(found.items(), key=lambda entry: entry[1]):
        message = translations.get(msgid, context=context)
        strings = message.string if message is not None else ()
        strings = strings if isinstance(strings, tuple) else (strings,)
        if message is None:
            problem = "missing"
        elif message.fuzzy:
            problem = "fuzzy"
        elif not all(strings):
            problem = "untranslated"
        else:
            continue
        shown = f"msgctxt {context!r} msgid {msgid!r}" if context else f"msgid {msgid!r}"
        lines.append(f"{problem}: {shown}  ({where})")
    return lines


def test_every_text_of_the_code_and_templates_has_a_swedish_translation():
    found = extracted_python_and_templates()
    assert len(found) > 1000  # the extraction works: Helhet has some 1,500 texts

    problems = missing(found, catalogue("django.po"))

    assert not problems, (
        f"{len(problems)} text(s) shown to users have no Swedish translation in "
        "src/helhet/locale/sv/LC_MESSAGES/django.po (add each at the end of the file with its "
        "Swedish msgstr; no fuzzy flag):\n" + "\n".join(problems)
    )


def test_every_text_of_the_scripts_has_a_swedish_translation():
    found = extracted_scripts()
    assert found  # the passkey scripts have texts

    problems = missing(found, catalogue("djangojs.po"))

    assert not problems, (
        f"{len(problems)} text(s) of the scripts have no Swedish translation in "
        "src/helhet/locale/sv/LC_MESSAGES/djangojs.po:\n" + "\n".join(problems)
    )


def renamed_translation_functions(tree: ast.Module) -> list[str]:
    """The translation functions TREE imports or assigns under a name no extractor knows."""
    renamed = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == TRANSLATION_MODULE:
            renamed += [
                f"line {node.lineno}: {alias.name} as {alias.asname}"
                for alias in node.names
                if alias.name in TRANSLATION_FUNCTIONS
                and alias.asname not in (None, alias.name, "_")
            ]
        elif isinstance(node, ast.Assign) and _names_translation_function(node.value):
            renamed += [
                f"line {node.lineno}: {ast.unparse(target)} = {ast.unparse(node.value)}"
                for target in node.targets
                if not (isinstance(target, ast.Name) and target.id in KEYWORDS)
            ]
    return renamed


def _names_translation_function(value: ast.expr) -> bool:
    if isinstance(value, ast.Attribute):
        return value.attr in TRANSLATION_FUNCTIONS
    return isinstance(value, ast.Name) and value.id in TRANSLATION_FUNCTIONS


def test_no_translation_function_goes_by_a_name_the_extractors_do_not_know():
    renamed = {
        str(path.relative_to(SOURCE.parent)): found
        for path in sorted(SOURCE.rglob("*.py"))
        if (found := renamed_translation_functions(ast.parse(path.read_bytes())))
    }

    assert not renamed, (
        "Texts translated through these names are not extracted for translation (use gettext, "
        "gettext_lazy, ngettext, pgettext, ... or _ itself):\n"
        + "\n".join(f"{path}: {'; '.join(lines)}" for path, lines in renamed.items())
    )


def test_a_renamed_translation_function_is_found():
    source = (
        "from django.utils.translation import gettext_lazy as _lazy, gettext as _\n"
        "from django.utils import translation\n"
        "later = translation.pgettext_lazy\n"
        "gettext = translation.gettext\n"
    )

    assert renamed_translation_functions(ast.parse(source)) == [
        "line 1: gettext_lazy as _lazy",
        "line 3: later = translation.pgettext_lazy",
    ]


def test_a_text_missing_from_the_catalogue_is_named_with_its_place():
    translations = Catalog(locale="sv")
    translations.add("Save", "Spara")
    translations.add("Close", "", flags=["fuzzy"])
    translations.add(("One day", "%(n)s days"), ("En dag", ""))
    translations.add("Total", "Totalt", context="breakdown")
    found: Found = {
        (None, "Save"): "a.py:1",
        (None, "Close"): "a.py:2",
        (None, "One day"): "b.html:3",
        ("breakdown", "Total"): "c.py:4",
        (None, "Total"): "c.py:5",
    }

    assert missing(found, translations) == [
        "fuzzy: msgid 'Close'  (a.py:2)",
        "untranslated: msgid 'One day'  (b.html:3)",
        "missing: msgid 'Total'  (c.py:5)",
    ]
