"""The catalogues compile without GNU gettext (Babel: `helhet compile-translations`), and the
compiled .mo gives what the .po says: singular, plural and context alike."""

import gettext
import shutil

import pytest
from babel.messages.pofile import read_po
from django.core.management import call_command

from helhet.core.translations import LOCALE_DIR, compile_catalogues


@pytest.fixture
def compiled(tmp_path):
    """A copy of the catalogues, compiled by Babel; the .mo files read as gettext reads them."""
    messages = tmp_path / "sv" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    for po in (LOCALE_DIR / "sv" / "LC_MESSAGES").glob("*.po"):
        shutil.copy(po, messages / po.name)
    written = compile_catalogues(tmp_path)
    assert [path.name for path in written] == ["django.mo", "djangojs.mo"]
    return {
        domain: gettext.translation(domain, localedir=tmp_path, languages=["sv"])
        for domain in ("django", "djangojs")
    }


def test_the_compiled_catalogue_gives_known_swedish_texts(compiled):
    django = compiled["django"]

    assert django.gettext("Source of the item texts") == "Källa till frågetexterna"
    assert django.ngettext("%(n)s row, newest first", "%(n)s rows, newest first", 1) == (
        "%(n)s rad, nyaste först"
    )
    assert django.ngettext("%(n)s row, newest first", "%(n)s rows, newest first", 7) == (
        "%(n)s rader, nyaste först"
    )
    assert django.pgettext("breakdown", "Total") == "Totalt"
    assert django.pgettext("what a figure counts", "Measure") == "Mått"
    assert compiled["djangojs"].gettext("Verification aborted.") == "Bekräftelsen avbröts."


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_translated_message_compiles_to_its_swedish_text(compiled, domain):
    with open(LOCALE_DIR / "sv" / "LC_MESSAGES" / f"{domain}.po", "rb") as po:
        catalogue = read_po(po, locale="sv")
    compiled_catalogue = compiled[domain]
    checked = 0
    for message in catalogue:
        if not message.id or message.fuzzy or not message.string:
            continue
        context = message.context
        if message.pluralizable:
            singular, plural = message.id
            for n, expected in ((1, message.string[0]), (2, message.string[1])):
                got = (
                    compiled_catalogue.npgettext(context, singular, plural, n)
                    if context
                    else compiled_catalogue.ngettext(singular, plural, n)
                )
                assert got == expected, message.id
        else:
            got = (
                compiled_catalogue.pgettext(context, message.id)
                if context
                else compiled_catalogue.gettext(message.id)
            )
            assert got == message.string, message.id
        checked += 1
    assert checked > (1000 if domain == "django" else 20)


def test_a_fuzzy_message_is_left_out_as_msgfmt_leaves_it_out(tmp_path):
    messages = tmp_path / "sv" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    (messages / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Save"\nmsgstr "Spara"\n\n#, fuzzy\nmsgid "Close"\nmsgstr "Stänga"\n',
        encoding="utf-8",
    )
    compile_catalogues(tmp_path)
    compiled = gettext.translation("django", localedir=tmp_path, languages=["sv"])

    assert (compiled.gettext("Save"), compiled.gettext("Close")) == ("Spara", "Close")


def test_the_command_compiles_the_catalogues_beside_them(tmp_path, capsys):
    messages = tmp_path / "sv" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    shutil.copy(LOCALE_DIR / "sv" / "LC_MESSAGES" / "django.po", messages / "django.po")

    call_command("compile_translations", locale_dir=tmp_path)

    assert (messages / "django.mo").stat().st_size > 10_000
    assert f"Compiled {messages / 'django.mo'}" in capsys.readouterr().out


def entries(text: str) -> list[tuple[str, str]]:
    """(context, msgid) of each entry of a .po text, as written (a msgid over several lines
    joined), the header's empty msgid left out."""
    found, context = [], ""
    lines = iter(text.splitlines())
    for line in lines:
        if line.startswith("msgctxt "):
            context = line[len("msgctxt ") :]
        elif line.startswith("msgid "):
            msgid = line[len("msgid ") :]
            for more in lines:
                if not more.startswith('"'):
                    break
                msgid += more
            if msgid != '""':
                found.append((context, msgid))
            context = ""
    return found


@pytest.mark.parametrize("po", sorted((LOCALE_DIR / "sv" / "LC_MESSAGES").glob("*.po")))
def test_no_message_is_written_twice_in_a_catalogue(po):
    # msgfmt refuses a catalogue with a message twice; Babel keeps the last silently, so a merge
    # that brought one in twice (each branch appends its messages) would go unnoticed.
    written = entries(po.read_text(encoding="utf-8"))
    twice = sorted({entry for entry in written if written.count(entry) > 1})
    assert not twice, f"{po.name}: written twice: {twice}"


def test_a_message_written_twice_is_found():
    text = 'msgid ""\nmsgstr ""\n\nmsgid "Status"\nmsgstr "Status"\n\nmsgid "Status"\nmsgstr "S"\n'
    assert entries(text).count(("", '"Status"')) == 2
