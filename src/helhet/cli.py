"""`helhet`: the operator's command, wrapping Django's management commands.

helhet demo [--persons N]   load the demo county
helhet serve [ADDR:PORT]    serve with Django's development server (use gunicorn in production)
helhet verify-log           check the access log's hash chain against its checkpoints
helhet checkpoint-log       write a checkpoint of the access log's head (cron)
helhet export-log           the access log as JSON lines, for a log collector
helhet protect-log          PostgreSQL: the application's role may only add to the access log
helhet compile-translations the Swedish catalogue (.po) into .mo files, without GNU gettext
helhet <any manage.py command>
"""

import os
import sys

ALIASES = {
    "serve": "runserver",
    "verify-log": "verify_log",
    "checkpoint-log": "checkpoint_log",
    "export-log": "export_log",
    "protect-log": "protect_log",
    "compile-translations": "compile_translations",
}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helhet.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    if args and args[0] in ALIASES:
        args[0] = ALIASES[args[0]]
    execute_from_command_line(["helhet", *args])


if __name__ == "__main__":
    main()
