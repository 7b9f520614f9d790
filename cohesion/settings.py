"""Cohesion's only settings module, driven by the environment.

`COHESION_ENV` selects a mode:

- ``production`` (the default): every secret must be given; cookies are secure.
- ``demo``: what `make demo` runs; a fixed, public secret and plain-HTTP cookies
  on 127.0.0.1, with a banner saying the data are synthetic.
- ``development``: like demo, with DEBUG on.
- ``test``: what the test suite runs; a fast password hasher.

Every variable is listed, with its default, in `.env.example`. Never import this
module directly: use ``from django.conf import settings``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from cohesion.lib.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_required,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent

COHESION_ENV = env_choice(
    "COHESION_ENV", "production", ("production", "demo", "development", "test")
)
IS_PRODUCTION = COHESION_ENV == "production"
IS_DEMO = COHESION_ENV == "demo"
IS_TEST = COHESION_ENV == "test"
# Shown as a banner on every page, so no one mistakes demo records for real ones.
SHOW_DEMO_BANNER = env_bool("COHESION_DEMO_BANNER", IS_DEMO or COHESION_ENV == "development")

if IS_PRODUCTION:
    SECRET_KEY = env_required(
        "SECRET_KEY",
        hint="Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'.",
    )
else:
    # Public on purpose: demo, development and test data are never real.
    SECRET_KEY = env_str("SECRET_KEY", f"insecure-{COHESION_ENV}-key-do-not-use-in-production")

DEBUG = env_bool("DEBUG", COHESION_ENV == "development")

# Keys for personal data at rest (contact details) and for pseudonymous victim keys.
# Production must set both; elsewhere they derive from the (public) demo secret.
if IS_PRODUCTION:
    FIELD_ENCRYPTION_KEYS = env_list("COHESION_FIELD_ENCRYPTION_KEYS", [])
    if not FIELD_ENCRYPTION_KEYS:
        env_required(
            "COHESION_FIELD_ENCRYPTION_KEYS",
            hint=(
                "Comma-separated Fernet keys, newest first (old keys still decrypt). Generate "
                "one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'."
            ),
        )
    VICTIM_KEY_SECRET = env_required(
        "COHESION_VICTIM_KEY_SECRET",
        hint="A long random secret; changing it breaks repeat-victim matching with older records.",
    )
else:
    FIELD_ENCRYPTION_KEYS = env_list("COHESION_FIELD_ENCRYPTION_KEYS", [])
    VICTIM_KEY_SECRET = env_str("COHESION_VICTIM_KEY_SECRET", f"{SECRET_KEY}:victim-key")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"],
)
if IS_PRODUCTION and not ALLOWED_HOSTS:
    env_required("ALLOWED_HOSTS", hint="Comma-separated host names this site answers to.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Lets project templates override Django's widget templates (GOV.UK markup).
    "django.forms",
    "axes",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    # Cohesion's domain apps, one per domain.
    "cohesion.core",
    "cohesion.audit",
    "cohesion.areas",
    "cohesion.accounts",
    "cohesion.vocabularies",
    "cohesion.incidents",
    "cohesion.tensions",
    "cohesion.mediation",
    "cohesion.privacy",
    "cohesion.assessments",
    "cohesion.strategies",
    "cohesion.impact",
    "cohesion.earlywarning",
    "cohesion.profiles",
    "cohesion.riskindex",
    "cohesion.directory",
    "cohesion.library",
    "cohesion.training",
    "cohesion.projects",
    "cohesion.grants",
    "cohesion.consultations",
    "cohesion.demo",
]

MIDDLEWARE = [
    "cohesion.core.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "cohesion.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cohesion.audit.middleware.AuditContextMiddleware",
    # Last, as django-axes asks: it turns a lock-out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cohesion.urls"
WSGI_APPLICATION = "cohesion.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cohesion.core.context_processors.site",
            ],
        },
    },
]
# Forms render GOV.UK Design System markup through Cohesion's own field templates.
FORM_RENDERER = "cohesion.core.forms.GovUKFormRenderer"

# --- Database -------------------------------------------------------------------
# SQLite by default so a fresh checkout runs with nothing else installed;
# DATABASE_URL=postgres://... switches to PostgreSQL (production).
DEFAULT_SQLITE = BASE_DIR / "var" / "cohesion.sqlite3"
if "DATABASE_URL" not in os.environ:
    DEFAULT_SQLITE.parent.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL: readers and writers do not block each other. busy_timeout: wait for a lock
    # instead of failing at once. IMMEDIATE: take the write lock at BEGIN, so two
    # writers cannot deadlock upgrading from a read lock.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; "
            "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # The assessment's covering index (INCLUDE columns) is a PostgreSQL speed-up;
    # SQLite keeps the plain index on its key, which is all it needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security ----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out user before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if IS_TEST:
    # Argon2 is slow by design; the suite creates hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lock-out: 5 failures for a username from one address locks it for 15 minutes.
AXES_FAILURE_LIMIT = env_int("COHESION_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("COHESION_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Cohesion's audit trail records sign-ins; a second, ungoverned log of them is not wanted.
AXES_DISABLE_ACCESS_LOG = True
# REMOTE_ADDR is the client's address: TrustedProxyMiddleware sets it from the proxy's
# X-Forwarded-For when COHESION_BEHIND_PROXY is on, so nothing else may trust that header.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

SECURE_COOKIES = env_bool("COHESION_SECURE_COOKIES", IS_PRODUCTION)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("COHESION_SESSION_HOURS", 8) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_SSL_REDIRECT = env_bool("COHESION_SSL_REDIRECT", IS_PRODUCTION)
SECURE_HSTS_SECONDS = env_int("COHESION_HSTS_SECONDS", 31536000 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = IS_PRODUCTION
# Behind exactly one reverse proxy (which must overwrite X-Forwarded-For and -Proto),
# take the client's address and scheme from it; otherwise never trust those headers.
BEHIND_PROXY = env_bool("COHESION_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# The public report form ships in English and Polish, one of the commonest main
# languages after English in Derby and Sheffield (see docs/adr/0008). Each name is
# written in its own language.
LANGUAGES = [("en-gb", "English"), ("pl", "Polski")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
# Compiled CSS and vendored JavaScript live in cohesion/static (built by `make assets`).
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
if not IS_PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns if it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            # Hashed, compressed names need `collectstatic`; only production runs it.
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Serve straight from the finders in demo/test so `collectstatic` is not a prerequisite.
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
WHITENOISE_AUTOREFRESH = IS_TEST or DEBUG

# --- Background work (Django tasks API) -------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# --- Email ---------------------------------------------------------------------------
# Reminders to action leads before review points. Demo, development and test print
# emails to the console (tests capture them); production sends through an SMTP relay.
_EMAIL_BACKEND = env_choice(
    "COHESION_EMAIL_BACKEND", "smtp" if IS_PRODUCTION else "console", ("smtp", "console")
)
EMAIL_BACKEND = f"django.core.mail.backends.{_EMAIL_BACKEND}.EmailBackend"
EMAIL_HOST = env_str("COHESION_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("COHESION_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("COHESION_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("COHESION_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("COHESION_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 30

# --- Maps ---------------------------------------------------------------------------
# Map tiles come from outside the site; with no URL set, maps draw the boundaries alone.
# Public report form: accepted reports per client address in a rolling window (0 = no limit).
# Generous, because a reporting centre or a library shares one address.
PUBLIC_REPORT_RATE_LIMIT = env_int("COHESION_REPORT_RATE_LIMIT", 20)
PUBLIC_REPORT_RATE_WINDOW_MINUTES = env_int("COHESION_REPORT_RATE_WINDOW_MINUTES", 60)
# Seconds a server process keeps the form's places and terms (cohesion/incidents/public/reference.py).
PUBLIC_FORM_REFERENCE_SECONDS = env_int("COHESION_FORM_REFERENCE_SECONDS", 0 if IS_TEST else 60)

MAP_TILE_URL = env_str("COHESION_MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("COHESION_MAP_TILE_ATTRIBUTION", "")

# --- Grants and 360Giving -----------------------------------------------------------------
# Each council registers its own prefix with 360Giving; grant ids are PREFIX-<year>-<number>.
THREESIXTYGIVING_PREFIX = env_str("COHESION_360G_PREFIX", "360G-cohesiondemo")
# The funder's org-id (org-id.guide), e.g. GB-LAE-SHF for Sheffield City Council, and name.
THREESIXTYGIVING_FUNDER_ID = env_str("COHESION_360G_FUNDER_ID", "GB-LAE-SHF")
THREESIXTYGIVING_FUNDER_NAME = env_str("COHESION_360G_FUNDER_NAME", "Sheffield City Council")
# Attachments to grant applications: the largest file accepted, in megabytes.
GRANT_ATTACHMENT_MAX_MB = env_int("COHESION_GRANT_ATTACHMENT_MAX_MB", 10)

# --- Site identity ----------------------------------------------------------------------
SERVICE_NAME = "Cohesion"
SERVICE_OWNER = env_str(
    "COHESION_SERVICE_OWNER", "Derby and Sheffield demo partnership" if IS_DEMO else "Your council"
)
CONTACT_EMAIL = env_str("COHESION_CONTACT_EMAIL", "cohesion@example.org")
# The sender of the site's emails (reminders).
DEFAULT_FROM_EMAIL = env_str("COHESION_EMAIL_FROM", CONTACT_EMAIL)

# --- Logging --------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Axes logs every failed log-in with the username at WARNING; our audit log has them.
        "axes": {"level": "ERROR"},
        # WeasyPrint logs each layout step and every CSS property it skips at INFO;
        # fontTools logs each font subset. Neither tells an operator anything.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}
