"""DATABASE_REPLICA_URL (settings, core/replica.py): a replica alias with the primary's options,
only beside a PostgreSQL primary; without it one database and nothing routed."""

import json
import os
import subprocess
import sys
from pathlib import Path

import helhet

SOURCE = Path(helhet.__file__).resolve().parent
PRIMARY = "postgres://helhet@db:5432/helhet"
REPLICA = "postgres://helhet@db-replica:5432/helhet?sslmode=require"
SHOW = (
    "from django.conf import settings; import json; "
    "print(json.dumps([sorted(settings.DATABASES), settings.HELHET_READ_REPLICA, "
    "settings.DATABASES.get('replica', {}).get('OPTIONS')]))"
)


def settings_with(tmp_path, **variables):
    """The settings module loaded with VARIABLES in the environment: the completed process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")} | {
        "HELHET_DEV": "1",
        "DJANGO_SETTINGS_MODULE": "helhet.settings",
        "PYTHONPATH": str(SOURCE.parent),
        "HELHET_VAR_DIR": str(tmp_path),
        **variables,
    }
    return subprocess.run([sys.executable, "-c", SHOW], env=env, capture_output=True, text=True)


def test_a_replica_url_adds_the_replica_with_the_primarys_options(tmp_path):
    shown = settings_with(tmp_path, DATABASE_URL=PRIMARY, DATABASE_REPLICA_URL=REPLICA)
    aliases, routed, options = json.loads(shown.stdout)
    assert aliases == ["default", "replica"] and routed == "replica"
    assert options == {
        "sslmode": "require",
        "options": "-c jit=off -c max_parallel_workers_per_gather=0",
        "connect_timeout": 3,
    }


def test_without_a_replica_url_there_is_one_database_and_nothing_routed(tmp_path):
    shown = settings_with(tmp_path, DATABASE_URL=PRIMARY)
    assert json.loads(shown.stdout) == [["default"], "", None]


def test_a_replica_beside_sqlite_is_refused_loudly(tmp_path):
    shown = settings_with(tmp_path, DATABASE_REPLICA_URL=REPLICA)
    assert shown.returncode != 0
    assert "DATABASE_REPLICA_URL: a replica needs PostgreSQL" in shown.stderr
