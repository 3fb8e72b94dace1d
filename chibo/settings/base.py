"""Settings shared by every environment. Environment-specific files import * from here."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("CHIBO_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "django_htmx",
    "template_partials",
    "rules",
    "axes",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "apps.common",
    "apps.accounts",
    "apps.exports",
    "apps.orgs",
    "apps.members",
    "apps.meetings",
    "apps.resolutions",
    "apps.grading",
    "apps.oversight",
    "apps.imports",
    "apps.quality",
    "apps.outbox",
    "apps.home",
    "apps.demo",
]

MIDDLEWARE = [
    "apps.accounts.middleware.TrustedProxyMiddleware",  # first: every later layer sees the real client address
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "apps.accounts.middleware.SessionGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "chibo.urls"
WSGI_APPLICATION = "chibo.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]


def database_from_env() -> dict:
    """SQLite is the embedded default; DATABASE_URL=postgres://... selects PostgreSQL."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60"))))
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "chibo.sqlite3",
        "OPTIONS": {
            # healthchecks' choice: wait on locks instead of failing, take the write lock up front.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;",
        },
    }


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The core (apps.common.scoping) imports no domain app: it reads the party tree and the role grants through these.
CHIBO_TREE_MODEL = "orgs.Organization"
CHIBO_GRANT_MODEL = "orgs.RoleGrant"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Sessions end after CHIBO_SESSION_IDLE_MINUTES without a request and CHIBO_SESSION_MAX_HOURS after the login,
# whatever happens in between (apps.accounts.middleware.SessionGuardMiddleware); the cookie lives as long.
CHIBO_SESSION_IDLE_MINUTES = int(os.environ.get("CHIBO_SESSION_IDLE_MINUTES", "60"))
CHIBO_SESSION_MAX_HOURS = int(os.environ.get("CHIBO_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = 60 * 60 * CHIBO_SESSION_MAX_HOURS
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# django-axes: an account is locked after AXES_FAILURE_LIMIT failures from any address, and an address after as many
# failures on any accounts (two separate counts, not their combination). Failed second-factor codes count too. The
# address is REMOTE_ADDR only, which TrustedProxyMiddleware has set to the real client (docs/security-login.md).
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "apps.accounts.middleware.remote_addr"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# What django-axes keeps of a failed attempt's form is masked for these (a mistyped recovery code is a secret too).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "code"]

# Second factor (django-otp, TOTP with recovery codes): required of administrators, committee staff, supervisors and
# the inspection commission (and of superusers and staff); optional for members.
CHIBO_OTP_REQUIRED = os.environ.get("CHIBO_OTP_REQUIRED", "1") == "1"
OTP_TOTP_ISSUER = "chibo"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin shows no authenticator key or QR code
# Seconds between the password step and the code: after it the password must be given again.
CHIBO_LOGIN_SECOND_STEP_SECONDS = 300
# Password reset requests per hour: from one client address, and for one e-mail address.
CHIBO_RESET_PER_ADDRESS_PER_HOUR = 10
CHIBO_RESET_PER_EMAIL_PER_HOUR = 3

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["chibo.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "chibo@localhost")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))  # seconds; a hung mail server must not hold the worker

# Background work (mail, later exports and imports) runs on a task queue kept in the database, so SQLite and
# PostgreSQL need no other service; `manage.py db_worker` runs it (`make run` starts one). See
# docs/decisions/0005-task-queue.md.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A message that could not be delivered is tried again after these delays (seconds), then left failed and shown.
CHIBO_OUTBOX_RETRY_DELAYS = (60, 600, 3600)
# SMS: a dotted path to a backend chosen by the operator (e.g. "apps.outbox.sms.FileBackend", which writes each
# SMS to CHIBO_SMS_FILE_PATH); empty: SMS is not configured and members without e-mail are told in person.
CHIBO_SMS_BACKEND = os.environ.get("CHIBO_SMS_BACKEND", "")
CHIBO_SMS_FILE_PATH = VAR_DIR / "sms"

# Audit: model changes through django-auditlog; profile reads logged as "access" entries.
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

PAGE_SIZE = 50
# Public address of the site, used for links in e-mails (e.g. https://chibo.example.vn); empty: no link.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

# Content-Security-Policy (django-csp): nothing from outside the site, no inline script. See docs/security.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Request size: the proxy refuses bodies above this too (docs/operations.md, client_max_body_size).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
CHIBO_UPLOAD_MAX_BYTES = 10 * 1024 * 1024

# Spreadsheet imports (docs/decisions/0012-imports.md): the largest file and the most data rows one import takes
# (a province's member list is 100k-450k rows: it comes in per commune), and how often a job writes its progress.
CHIBO_IMPORT_MAX_BYTES = int(os.environ.get("CHIBO_IMPORT_MAX_BYTES", str(40 * 1024 * 1024)))
CHIBO_IMPORT_MAX_ROWS = int(os.environ.get("CHIBO_IMPORT_MAX_ROWS", "200000"))
CHIBO_IMPORT_PROGRESS_EVERY = 500
# A batch whose job has not moved it on for this long lost its job (the worker stopped mid-way); its page offers to
# recover it. Far above the longest job's silent stretch (a commit or undo of 200,000 rows: a few minutes).
CHIBO_IMPORT_STALLED_MINUTES = int(os.environ.get("CHIBO_IMPORT_STALLED_MINUTES", "30"))

# Trusted reverse proxies: only a request arriving from one of these addresses may name the client in
# X-Forwarded-For (apps.accounts.middleware.TrustedProxyMiddleware). Empty: the peer address is the client.
CHIBO_TRUSTED_PROXIES = [a.strip() for a in os.environ.get("CHIBO_TRUSTED_PROXIES", "").split(",") if a.strip()]

# Audit trail retention (days) before `manage.py trim_audit` may remove entries, leaving a signed checkpoint.
CHIBO_AUDIT_RETENTION_DAYS = int(os.environ.get("CHIBO_AUDIT_RETENTION_DAYS", str(10 * 365)))


# Secrets apart from the secret key (docs/security.md, docs/operations.md "Rotating the secret key"): empty means
# "derived from SECRET_KEY". A rotated key stays in *_FALLBACKS until nothing signed or sealed with it is left.
def _list(name: str) -> list[str]:
    return [k for k in os.environ.get(name, "").split(",") if k]


SECRET_KEY_FALLBACKS = _list("DJANGO_SECRET_KEY_FALLBACKS")
CHIBO_AUDIT_KEY = os.environ.get("CHIBO_AUDIT_KEY", "")
CHIBO_AUDIT_KEY_FALLBACKS = _list("CHIBO_AUDIT_KEY_FALLBACKS")
CHIBO_BALLOT_KEY = os.environ.get("CHIBO_BALLOT_KEY", "")
CHIBO_BALLOT_KEY_FALLBACKS = _list("CHIBO_BALLOT_KEY_FALLBACKS")
CHIBO_BACKUP_DIR = Path(os.environ.get("CHIBO_BACKUP_DIR", VAR_DIR / "backups"))
