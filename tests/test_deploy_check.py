"""`manage.py check --deploy` is clean with production settings: no HELHET_DEV, DEBUG off, a
long random SECRET_KEY, ALLOWED_HOSTS set and a log key of its own. Run in a subprocess, as
the settings are read once, from the environment."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import helhet

SRC = Path(helhet.__file__).resolve().parent.parent
# Variables of the development and test runs that production does not have.
DEV_ONLY = {"HELHET_DEV", "HELHET_DEMO", "DEBUG", "DJANGO_SETTINGS_MODULE", "SECRET_KEY"}


def production_env(tmp_path, **changes: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in DEV_ONLY}
    env.update(
        PYTHONPATH=str(SRC),
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        HELHET_LOG_CHAIN_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="helhet.region.example",
        HELHET_VAR_DIR=str(tmp_path),
    )
    env.update(changes)
    return env


def check_deploy(tmp_path, **changes: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path, DJANGO_SETTINGS_MODULE="helhet.settings", **changes),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = check_deploy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_is_clean_behind_a_trusted_tls_proxy(tmp_path):
    result = check_deploy(tmp_path, HELHET_TRUSTED_PROXIES="10.0.0.5,192.168.10.0/24")
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_warns_when_hsts_is_turned_off(tmp_path):
    result = check_deploy(tmp_path, HELHET_HSTS_SECONDS="0")
    assert result.returncode != 0
    assert "security.W004" in result.stderr


def test_check_deploy_warns_when_https_is_not_required(tmp_path):
    result = check_deploy(tmp_path, HELHET_SSL_REDIRECT="0")
    assert result.returncode != 0
    assert "security.W008" in result.stderr


def test_a_trusted_proxy_that_is_not_an_address_stops_the_start(tmp_path):
    result = check_deploy(tmp_path, HELHET_TRUSTED_PROXIES="10.0.0.5,proxy.example")
    assert result.returncode != 0
    assert "HELHET_TRUSTED_PROXIES" in result.stderr
