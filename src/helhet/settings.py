"""Helhet settings: one module, read from the environment by typed readers that fail loudly."""

import datetime
import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from helhet.core.oidc import providers_from_json

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("HELHET_VAR_DIR", PROJECT_DIR / "var"))


def env_str(name: str, default: str | None = None) -> str:
    """A string from NAME, or from the file named by NAME_FILE (for container secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Environment variable {name} is required")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as e:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from e


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEV = env_bool("HELHET_DEV")
DEMO = env_bool("HELHET_DEMO")
DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key" if DEV else None)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEV else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "axes",
    # The second factor of password logins (core/mfa/): TOTP, recovery codes, passkeys.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "django_tasks",
    "django_tasks_db",
    "helhet.core",
    "helhet.people",
    "helhet.access",
    "helhet.care",
    "helhet.intake",
    "helhet.assessments",
    "helhet.outcomes",
    "helhet.contacts",
    "helhet.bookings",
    "helhet.plans",
    "helhet.timeline",
    "helhet.reminders",
    "helhet.alerts",
    "helhet.followup",
    "helhet.conference",
    "helhet.governance",
    "helhet.surveys",
    "helhet.demo",
]

MIDDLEWARE = [
    # First: REMOTE_ADDR becomes the client's address behind HELHET_TRUSTED_PROXIES.
    "helhet.core.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "helhet.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "helhet.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Every view needs a signed-in user unless marked @login_not_required (see urls.py); a
    # form sent after the session ended is kept for its owner (core/idle.py).
    "helhet.core.idle.LoginRequiredMiddleware",
    "helhet.core.idle.OwnerCookieMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "helhet.core.middleware.ActiveUnitMiddleware",
    # A password login that needs a second factor reaches only /accounts/mfa/ (core/mfa/).
    "helhet.core.mfa.middleware.SecondFactorMiddleware",
    # Access changes made in a request name its user (access/security.py).
    "helhet.access.security.ActorMiddleware",
    # Writes the refused requests' log rows after the view (and its transaction, if any).
    "helhet.access.refusals.RefusedRequestsMiddleware",
]

ROOT_URLCONF = "helhet.urls"
WSGI_APPLICATION = "helhet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "helhet.core.context_processors.active_unit",
                "helhet.core.idle.session_timing",
                "helhet.core.idle.kept_form",
            ],
            # {% submission %}: the create forms' one-time key (core/submissions.py).
            "builtins": ["helhet.core.submissions"],
        },
    },
    {
        # Long tables' rows (`{% rows %}`, core/rows.py): <app>/jinja2/ only, no text of their own.
        "NAME": "rows",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "helhet.core.rows.environment"},
    },
]

CACHE_TABLE = "helhet_cache"


def database(url: str) -> dj_database_url.DBConfig:
    """The settings of the database at URL (DATABASE_URL's form), with Helhet's options."""
    config = dj_database_url.parse(url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    if config["ENGINE"] == "django.db.backends.postgresql":
        # A page request's queries are short and read a page of rows: JIT compiling costs more
        # than it saves, and so does starting parallel workers. With workers the planner also
        # chose, for "my caseload" at 100,000 persons, to join and sort all 4,460 of the user's
        # case teams (38 ms) over walking the name index to the first 51 (5 ms).
        options = config.setdefault("OPTIONS", {})
        options["options"] = (
            f"{options.get('options', '')} -c jit=off -c max_parallel_workers_per_gather=0"
        ).strip()
    return config


DATABASES = {
    "default": database(env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'helhet.sqlite3'}"))
}
# A PostgreSQL streaming replica of the default database (README "A read replica"): the
# follow-up's figures and exports read from it (core/replica.py); everything else, and every
# write, uses the primary. Empty: one database.
HELHET_READ_REPLICA = ""
if _replica_url := env_str("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = database(_replica_url)
    if {DATABASES[alias]["ENGINE"] for alias in DATABASES} != {"django.db.backends.postgresql"}:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL: a replica needs PostgreSQL, as DATABASE_URL's database."
        )
    # An unreachable replica costs a follow-up page this many seconds before it reads from
    # the primary instead.
    DATABASES["replica"]["OPTIONS"].setdefault(
        "connect_timeout", env_int("DATABASE_REPLICA_CONNECT_TIMEOUT", 3)
    )
    HELHET_READ_REPLICA = "replica"
# A replica found unreachable, or lost during a read, is not tried again for this many seconds.
HELHET_REPLICA_RETRY_SECONDS = env_int("HELHET_REPLICA_RETRY_SECONDS", 30)
DATABASE_ROUTERS = ["helhet.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "helhet.core.backends.UserWithOrganisationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

# Login through identity providers (OpenID Connect; core/oidc.py, README "Login through an
# identity provider"): a JSON list of providers, or a file of it (HELHET_OIDC_PROVIDERS_FILE).
HELHET_OIDC_PROVIDERS = providers_from_json(env_str("HELHET_OIDC_PROVIDERS", "[]"))

# E-mail carries the links with which users set their own passwords (core/accounts.py); in
# development it is printed on the console.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEV
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "helhet@localhost")

# Lockout after repeated failures (django-axes): per user name, from any address, and per
# address, with any user names, each counted on its own (helhet/core/lockout.py). The address
# is REMOTE_ADDR as ClientAddressMiddleware leaves it (the client's, behind trusted proxies).
HELHET_LOGIN_FAILURE_LIMIT = env_int("HELHET_LOGIN_FAILURE_LIMIT", 5)
HELHET_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("HELHET_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
HELHET_LOGIN_COOLOFF_MINUTES = env_int("HELHET_LOGIN_COOLOFF_MINUTES", 15)
AXES_FAILURE_LIMIT = "helhet.core.lockout.failure_limit"
AXES_COOLOFF_TIME = datetime.timedelta(minutes=HELHET_LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # in this order: lockout.failure_limit
AXES_CLIENT_IP_CALLABLE = "helhet.core.middleware.client_address"
AXES_LOCKOUT_CALLABLE = "helhet.core.lockout.locked_out"
# A successful login would wipe its address's count too: a sprayer holding one account of
# their own could start the address over after every few guesses. Counts end by cool-off.
AXES_RESET_ON_SUCCESS = False

# Proxies (the TLS proxy, a load balancer) whose X-Forwarded-For and X-Forwarded-Proto are
# believed: addresses or networks, comma-separated ("10.0.0.5,192.168.10.0/24"). Empty: none,
# the peer's address is the client's and the headers are ignored.
HELHET_TRUSTED_PROXIES = env_list("HELHET_TRUSTED_PROXIES")
for _proxy in HELHET_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as e:
        raise ImproperlyConfigured(
            f"HELHET_TRUSTED_PROXIES: not an address or network: {_proxy}"
        ) from e
# HTTPS as the TLS proxy says (ClientAddressMiddleware drops the header from anyone else).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HELHET_TRUSTED_PROXIES else None

# --- second factor (core/mfa/) ---
# Password logins of staff with clinical access or admin rights need a second factor (TOTP,
# a recovery code or a passkey); logins through an identity provider do not. On unless
# HELHET_DEV or HELHET_DEMO is set; `check --deploy` fails when it is off without them.
HELHET_MFA_REQUIRED = env_bool("HELHET_MFA_REQUIRED", default=not (DEV or DEMO))
# django-otp's throttling: each failed code doubles the wait before the next try.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_TOTP_ISSUER = "Helhet"
# Passkeys (django-otp-webauthn) as a second factor only, never instead of the password.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_NAME = "Helhet"
# The site's domain name (no scheme or port) and the origins it is served from.
_webauthn_host = next((h.lstrip(".") for h in ALLOWED_HOSTS if h != "*" and not DEV), "localhost")
OTP_WEBAUTHN_RP_ID = env_str("HELHET_WEBAUTHN_RP_ID", _webauthn_host)
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list(
    "HELHET_WEBAUTHN_ORIGINS",
    "http://localhost:8000" if DEV else f"https://{OTP_WEBAUTHN_RP_ID}",
)
# --- end second factor ---

# The cache holds the public self-referral page's flood counters (intake/flood.py), which every
# app process must share: Django's database cache, in the table that migration core 0003 makes.
# HELHET_CACHE_LOCATION may name a Redis server instead ("redis://127.0.0.1:6379/1").
_cache_location = os.environ.get("HELHET_CACHE_LOCATION", "")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _cache_location,
    }
    if _cache_location.startswith(("redis://", "rediss://"))
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": CACHE_TABLE}
}
# Rendered page fragments that are the same for every user (the timeline's filter form, in
# each language and for each choice; the main menu, per language, page and kind of user):
# each process keeps its own, in memory.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "helhet-fragments",
}
if _cache_location and not _cache_location.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("HELHET_CACHE_LOCATION must be a redis:// or rediss:// address.")

# The session ends after inactivity: every request renews it.

SESSION_COOKIE_AGE = env_int("HELHET_SESSION_IDLE_MINUTES", 30) * 60
# Every page warns this long before the idle logout, with a button to stay signed in.
HELHET_SESSION_WARNING_SECONDS = env_int("HELHET_SESSION_WARNING_SECONDS", 120)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("HELHET_SECURE_COOKIES", default=not DEV)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# HTTPS only, outside development: HSTS (a year, subdomains too) and a redirect from http.
# The preload flag only marks the header as fit for browsers' preload list: nothing is preloaded
# until the domain's owner submits the domain there (README, production).
SECURE_HSTS_SECONDS = env_int("HELHET_HSTS_SECONDS", 0 if DEV else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HELHET_HSTS_INCLUDE_SUBDOMAINS", default=not DEV)
SECURE_HSTS_PRELOAD = env_bool("HELHET_HSTS_PRELOAD", default=not DEV)
SECURE_SSL_REDIRECT = env_bool("HELHET_SSL_REDIRECT", default=not DEV)

# Content-Security-Policy (django-csp): scripts, styles and everything else only from the app's
# own static files, no inline script or style. HELHET_CSP_FORM_ACTION adds origins a form may
# post to (an identity provider's, should a login form post there).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'", *env_list("HELHET_CSP_FORM_ACTION")],
        "frame-ancestors": ["'none'"],
    },
}

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# The project-wide stylesheet; each app serves its own static/ folder as well.
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or DEV
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEV

# Emergency access (nödåtkomst) lasts this long before it must be taken again.
HELHET_EMERGENCY_ACCESS_HOURS = env_int("HELHET_EMERGENCY_ACCESS_HOURS", 4)
# A user with this many refused requests within 24 hours is flagged in the log review.
HELHET_REFUSALS_FLAG_COUNT = env_int("HELHET_REFUSALS_FLAG_COUNT", 5)
# The key that seals the access-log hash chain; keep it apart from the database.
HELHET_LOG_CHAIN_KEY = env_str("HELHET_LOG_CHAIN_KEY", SECRET_KEY)
# Checkpoints of the log's chain head outside the database (access/checkpoints.py): one after
# this many rows, or at the first row after this many minutes (0: not by that rule), to each
# destination set: a JSON-lines file in this directory (empty: none), syslog (`host:port` or a
# socket's path) and an HTTP endpoint taking a POST.
HELHET_LOG_CHECKPOINT_ROWS = env_int("HELHET_LOG_CHECKPOINT_ROWS", 1000)
HELHET_LOG_CHECKPOINT_MINUTES = env_int("HELHET_LOG_CHECKPOINT_MINUTES", 5)
HELHET_LOG_CHECKPOINT_DIR = env_str("HELHET_LOG_CHECKPOINT_DIR", str(VAR_DIR / "log-checkpoints"))
HELHET_LOG_CHECKPOINT_SYSLOG = env_str("HELHET_LOG_CHECKPOINT_SYSLOG", "")
HELHET_LOG_CHECKPOINT_URL = env_str("HELHET_LOG_CHECKPOINT_URL", "")
# Rows per page in caseloads and other lists.
HELHET_PAGE_SIZE = env_int("HELHET_PAGE_SIZE", 50)
# Rows a page of a person's own records (contacts, bookings): read newest first and rarely
# far back; each row is judged by the policy and named in the log row.
HELHET_RECORD_PAGE_SIZE = env_int("HELHET_RECORD_PAGE_SIZE", 25)
# Persons per page of search results: a search is narrowed (a given name, the number), not
# paged through, and each page costs a policy check and an access-log row per person.
HELHET_SEARCH_PAGE_SIZE = env_int("HELHET_SEARCH_PAGE_SIZE", 25)
# A new episode within this many calendar months of a closure at the same unit is a reactivation.
HELHET_REACTIVATION_MONTHS = env_int("HELHET_REACTIVATION_MONTHS", 12)
# For this many calendar months after an episode's closure, its organisation's staff at its unit
# (at a case-team-only unit: its case team) may still read the person's records, read-only, and
# reopen the episode. 0: a closed episode gives no access.
HELHET_CLOSED_READABLE_MONTHS = env_int("HELHET_CLOSED_READABLE_MONTHS", 12)
# Follow-up exports' files are deleted this many days after they were made.
HELHET_EXPORT_KEEP_DAYS = env_int("HELHET_EXPORT_KEEP_DAYS", 7)
# Appointment reminders to the person (bookings/reminders.py): the sender (a dotted path, as
# Django's e-mail backends), how long ahead a booking is reminded of, and the file backend's file.
HELHET_REMINDER_SENDER = env_str("HELHET_REMINDER_SENDER", "helhet.bookings.senders.ConsoleSender")
HELHET_REMINDER_HOURS = env_int("HELHET_REMINDER_HOURS", 24)
HELHET_REMINDER_FILE = env_str("HELHET_REMINDER_FILE", str(VAR_DIR / "reminders.txt"))
# PostgreSQL's work_mem for the follow-up's aggregate queries only (SET LOCAL in their
# transaction): their distinct counts sort hundreds of thousands of rows, which spill to disk at
# the server's default of 4 MB. Empty: the server's own setting.
HELHET_FOLLOWUP_WORK_MEM = env_str("HELHET_FOLLOWUP_WORK_MEM", "64MB")
# Parallel workers per query for those queries alone (a page's connection has none; see
# DATABASES); 0: none there either. PostgreSQL's own default is 2.
HELHET_FOLLOWUP_PARALLEL_WORKERS = env_int("HELHET_FOLLOWUP_PARALLEL_WORKERS", 2)
HELHET_SELF_REFERRAL_PER_ADDRESS = env_int("HELHET_SELF_REFERRAL_PER_ADDRESS", 5)
HELHET_SELF_REFERRAL_PER_UNIT = env_int("HELHET_SELF_REFERRAL_PER_UNIT", 100)
HELHET_SELF_REFERRAL_WINDOW_SECONDS = env_int("HELHET_SELF_REFERRAL_WINDOW_SECONDS", 3600)

# Background tasks (django-tasks): queued in the database, run by `helhet db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
