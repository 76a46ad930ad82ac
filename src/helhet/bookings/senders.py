"""Where appointment reminders go: a pluggable sender, chosen by HELHET_REMINDER_SENDER (a
dotted path, as Django's e-mail backends are). Here a console and a file sender; an SMS
gateway's sender is configured in production, with the same one method."""

import sys
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string


class Sender:
    """Sends one text message to one telephone number; raises on failure."""

    def send(self, *, phone: str, text: str) -> None:
        raise NotImplementedError


class ConsoleSender(Sender):
    """Writes each message to standard output (development)."""

    def send(self, *, phone: str, text: str) -> None:
        sys.stdout.write(f"To {phone}: {text}\n")


class FileSender(Sender):
    """Appends each message to HELHET_REMINDER_FILE, one a line."""

    def send(self, *, phone: str, text: str) -> None:
        path = Path(settings.HELHET_REMINDER_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as file:
            file.write(f"{phone}\t{text}\n")


def sender() -> Sender:
    return import_string(settings.HELHET_REMINDER_SENDER)()
