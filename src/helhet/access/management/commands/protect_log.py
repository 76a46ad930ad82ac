"""`helhet protect-log --app-role ROLE`: on PostgreSQL, make the access log append-only for the
role the application serves as.

Run it as the database owner (the role that runs `migrate`), after every `migrate`. The log's
table is owned by the owner; the application's role may only SELECT and INSERT it (no UPDATE,
DELETE or TRUNCATE, no ALTER or DROP: those are the owner's), and gets the ordinary rights on
every other table (the chain head must stay writable) and sequence, now and (default
privileges) for tables the owner creates later.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction

from helhet.access.models import AccessLogEntry


class Command(BaseCommand):
    help = (
        "PostgreSQL: let the application's role only read and add access-log rows (run as the"
        " database owner, after migrate)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--app-role", required=True, help="the role the application connects as"
        )

    def handle(self, *args, app_role: str, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                f"protect-log works on PostgreSQL only; this database is {connection.vendor}."
            )
        owner = self._check(app_role)
        quote = connection.ops.quote_name
        role, log_table = quote(app_role), quote(AccessLogEntry._meta.db_table)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT current_schema()")
                schema = quote(cursor.fetchone()[0])
                for statement in (
                    f"ALTER TABLE {log_table} OWNER TO CURRENT_USER",
                    f"GRANT USAGE ON SCHEMA {schema} TO {role}",
                    f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema}"
                    f" TO {role}",
                    f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
                    f"REVOKE ALL ON {log_table} FROM {role}, PUBLIC",
                    f"GRANT SELECT, INSERT ON {log_table} TO {role}",
                    f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema}"
                    f" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
                    f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema}"
                    f" GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role}",
                ):
                    cursor.execute(statement)
        except DatabaseError as e:
            raise CommandError(f"protect-log failed (run it as the database owner): {e}") from e
        self.stdout.write(
            f"The access log is owned by {owner}; {app_role} may only read and add rows to it."
        )

    def _check(self, app_role: str) -> str:
        """The owner (the current role), once APP_ROLE is shown to be another role, without
        the owner's rights and not a superuser."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            owner = cursor.fetchone()[0]
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [app_role])
            row = cursor.fetchone()
            if row is None:
                raise CommandError(f"There is no role {app_role}.")
            if row[0]:
                raise CommandError(f"{app_role} is a superuser: no grant limits it.")
            if app_role == owner:
                raise CommandError(
                    "Run protect-log as the database owner, not as the application's role."
                )
            cursor.execute("SELECT pg_has_role(%s, current_user, 'MEMBER')", [app_role])
            if cursor.fetchone()[0]:
                raise CommandError(
                    f"{app_role} is a member of {owner}, so it has the owner's rights: give"
                    " the application a role of its own."
                )
        return owner
