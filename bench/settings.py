"""Benchmark settings: the real settings (dev mode), with bench.urls as the root URLconf."""

import os

os.environ.setdefault("HELHET_DEV", "1")

from helhet.settings import *  # noqa: E402,F403

ROOT_URLCONF = "bench.urls"
# django.test.Client sends Host: testserver; no network is involved.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405
