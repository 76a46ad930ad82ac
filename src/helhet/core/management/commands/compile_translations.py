"""`helhet compile-translations`: the Swedish catalogue into .mo files, without GNU gettext."""

from pathlib import Path

from django.core.management.base import BaseCommand

from helhet.core.translations import LOCALE_DIR, compile_catalogues


class Command(BaseCommand):
    help = "Compile Helhet's message catalogues (.po) into .mo files with Babel (no msgfmt needed)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--locale-dir", type=Path, default=LOCALE_DIR)

    def handle(self, *args, locale_dir: Path, **options) -> None:
        for path in compile_catalogues(locale_dir):
            self.stdout.write(f"Compiled {path}")
