"""`helhet verify-log`: walk the access log's hash chain; exit 1 at the first problem."""

import sys

from django.core.management.base import BaseCommand

from helhet.access import log
from helhet.access.models import AccessLogEntry


class Command(BaseCommand):
    help = (
        "Check that no row of the access log was edited, deleted, inserted or reordered, and"
        " that the index of the persons each list's row names matches the row."
    )

    def handle(self, *args, **options) -> None:
        problem = log.verify() or log.verify_listed()
        if problem is not None:
            self.stderr.write(f"Access log broken: {problem}")
            sys.exit(1)
        self.stdout.write(f"Access log intact: {AccessLogEntry.objects.count()} rows")
