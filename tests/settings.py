"""Test settings: the real settings, with a fast password hasher and no secrets needed."""

import copy
import os

os.environ.setdefault("HELHET_DEV", "1")
os.environ.setdefault(
    "HELHET_VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test")
)

from helhet.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
LANGUAGE_CODE = "en"
# WhiteNoise warns when the static root is missing.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
# Background tasks run at once, in the test's transaction (tests/reminders runs the database
# backend and its worker too).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The second factor (core/mfa/) is off for the tests that sign in with force_login or a
# password alone; tests/core/test_mfa.py and e2e/test_mfa_login.py turn it on.
HELHET_MFA_REQUIRED = False
# The read replica (core/replica.py) is a test mirror of the test database: Django neither
# creates nor empties it, and points it at the primary's test database — on the real replica's
# server when DATABASE_REPLICA_URL names one (.ci/replica), else as a second connection to the
# test database itself, which the follow-up reads from only where a test turns
# HELHET_READ_REPLICA on. A mirror sees only what is committed: its tests are transactional.
DATABASES.setdefault("replica", copy.deepcopy(DATABASES["default"]))  # noqa: F405
DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # noqa: F405
