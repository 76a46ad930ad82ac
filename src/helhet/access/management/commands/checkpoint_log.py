"""`helhet checkpoint-log`: write a checkpoint of the access log's head now (cron, the worker)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from helhet.access import checkpoints
from helhet.access.models import LogChainHead


class Command(BaseCommand):
    help = (
        "Write the access log's chain head, sealed, to the checkpoint destinations outside the"
        " database; exit 1 when one of them failed."
    )

    def handle(self, *args, **options) -> None:
        if not checkpoints.destinations():
            raise CommandError(
                "No checkpoint destination is set (HELHET_LOG_CHECKPOINT_DIR, _SYSLOG, _URL)."
            )
        head = LogChainHead.objects.filter(pk=1).first()
        if head is None:
            raise CommandError("The access log has no chain head: run migrate first.")
        failed = checkpoints.write(head.last_entry_id, head.last_hash, head.entries)
        if failed:
            self.stderr.write(f"Checkpoint not written to: {', '.join(failed)}")
            sys.exit(1)
        self.stdout.write(f"Checkpoint written: row {head.last_entry_id}, {head.entries} rows")
