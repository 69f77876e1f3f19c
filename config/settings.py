"""Settings for Fieldwork 1+2. Everything comes from the environment (django-environ).

With no environment at all the project runs on a bare machine: SQLite in the project
folder and Celery in eager mode (tasks run in-process). Set DATABASE_URL and
CELERY_BROKER_URL to run on PostgreSQL and Redis with real workers.
"""

import sys
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# Under pytest the development key and plain static storage are used without any variable set.
TESTING = env.bool("DJANGO_TESTING", default="pytest" in sys.modules)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "dev-insecure-key-only-for-local-use-" + "x" * 20
    else:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY is required (make run writes one into .env).")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "django_celery_beat",
    "accounts",
    "fieldwork",
    "reports",
    "config.apps.OperationsConfig",  # backup/restore commands, the watchdog and backup tasks
]

MIDDLEWARE = [
    "config.middleware.ForwardedHeadersMiddleware",
    "config.observability.RequestContextMiddleware",
    "config.middleware.HealthCheckMiddleware",
    "accounts.middleware.RequestBodyLimitMiddleware",
    "config.middleware.NulCharacterMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.PrivateCacheMiddleware",
    "config.observability.UserContextMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.PrivacyNoticeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "accounts.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (one per gunicorn worker / Celery process), checked before reuse so a
# restarted PostgreSQL costs one failed-and-replaced connection, not an error page. Tests keep
# Django's default (a connection per request) unless CONN_MAX_AGE is set.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if TESTING else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:  # a fast hasher keeps fixtures with many people quick; never in production
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: 30 minutes idle and 12 hours in all (accounts.middleware.SessionLifetimeMiddleware).
# The session row is written at most once a minute per session (SESSION_ACTIVITY_WRITE_INTERVAL),
# not on every request; each write pushes the stored expiry SESSION_COOKIE_AGE ahead, so a
# session ends between 29 and 30 minutes after the last request, never later (docs/rules.md).
SESSION_COOKIE_AGE = 30 * 60
SESSION_IDLE_TIMEOUT = SESSION_COOKIE_AGE
SESSION_ACTIVITY_WRITE_INTERVAL = 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ABSOLUTE_LIFETIME = 12 * 60 * 60

# Behind a reverse proxy (docs/security.md “Login and requests”): how many proxies in front of the app
# append to X-Forwarded-For and overwrite X-Forwarded-Proto. 0 = none: REMOTE_ADDR is the client
# and both headers are ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# docs/security.md: the proxies' own addresses (networks, comma-separated: "172.30.0.10/32"). Forwarded
# headers are believed only from them (config.middleware.ForwardedHeadersMiddleware,
# accounts.network.client_ip); empty (the default): from nobody, whatever TRUSTED_PROXY_COUNT says.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# django-axes: 5 failures in 15 minutes per username and address (the real client's, see
# accounts/network.py), and LOGIN_FAILURES_PER_ADDRESS across emails from one address. A lockout
# is not renewed by the attempts made during it.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "accounts.network.client_ip"
AXES_HANDLER = "accounts.network.LoginThrottle"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=20)
# Password reset requests an hour, per address and per email (counted in the cache).
PASSWORD_RESETS_PER_ADDRESS = env.int("PASSWORD_RESETS_PER_ADDRESS", default=10)
PASSWORD_RESETS_PER_EMAIL = env.int("PASSWORD_RESETS_PER_EMAIL", default=3)
# The cache holds the reset counters: shared by every web process in production (redis).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# docs/rules.md “A year in the life”: dates are typed dd/mm/yyyy (accounts.forms.DateInput); ISO still reads (links,
# scripts). Never month first: "05/02/2026" is the 5th of February (Django's default reads May).
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    # A file the disk could not hold is removed, never left half-written (core/storage.py).
    "default": {"BACKEND": "core.storage.SafeFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and not TESTING
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files and produced reports are never served from a public URL: every
# download goes through a permission-checked view.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media-not-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Request limits (docs/security.md “Login and requests”): files per request (a trip's attachments come a few at a time),
# form fields, and the whole body, refused with 413 before it is read (accounts.middleware).
DATA_UPLOAD_MAX_NUMBER_FILES = env.int("DATA_UPLOAD_MAX_NUMBER_FILES", default=20)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=2000)
REQUEST_MAX_BODY_BYTES = env.int("REQUEST_MAX_BODY_BYTES", default=30 * 1024 * 1024)
MAX_ATTACHMENT_BYTES = env.int("MAX_ATTACHMENT_BYTES", default=10 * 1024 * 1024)
# Image bombs (docs/security.md): a picture declaring more pixels than this is refused
# from its header, before any decoding (Pillow's own DecompressionBombError is set at twice it, in
# fieldwork.apps); and one whose decoding and resizing would take more memory than
# MAX_IMAGE_DECODE_BYTES (fieldwork.uploads.DECODE_COST). Pictures are decoded one at a time, so
# this caps a request.
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=50_000_000)
MAX_IMAGE_DECODE_BYTES = env.int("MAX_IMAGE_DECODE_BYTES", default=128 * 1024 * 1024)
# Hostile workbooks (docs/security.md “Files”): imports are refused beyond these caps.
IMPORT_MAX_FILE_BYTES = env.int("IMPORT_MAX_FILE_BYTES", default=5 * 1024 * 1024)
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=40 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=60)
IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", default=400_000)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Fieldwork 1+2 <no-reply@localhost>")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Content security policy (django-csp 4): no inline script or style, nothing from a CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Security for production (manage.py check --deploy passes with DJANGO_DEBUG off).
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    # Tests (and the browser tests' live server) run over plain http.
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not TESTING)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not TESTING)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not TESTING)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    # X-Forwarded-Proto is believed only when a trusted proxy sets it (docs/security.md “Login and requests”).
    if TRUSTED_PROXY_COUNT > 0 and TRUSTED_PROXIES:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Celery: with no broker, tasks run eagerly in-process (the embedded default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=400_000)  # KiB
# A task whose worker dies is redelivered after the visibility timeout; the time limits stay below it.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_TASK_TIME_LIMIT = min(1800, CELERY_VISIBILITY_TIMEOUT // 2)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - min(100, CELERY_TASK_TIME_LIMIT // 10)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "quarterly-compliance-reports": {
        "task": "reports.tasks.produce_due_compliance_reports",
        "schedule": 3600.0,
    },
    # docs/rules.md “Reminders, digests and delegation of approval”: reminders and digests, once a day (a second firing sends nothing: SentReminder).
    "daily-reminders": {
        "task": "fieldwork.reminders.tasks.send_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Personal data (docs/privacy.md): the retention periods, applied once a day.
    "daily-retention": {
        "task": "fieldwork.tasks.apply_retention",
        "schedule": crontab(hour=2, minute=30),
    },
    # Stored standings follow the date (as_of = today), just after midnight (docs/rules.md “Stored standings”).
    "daily-standings": {
        "task": "fieldwork.tasks.refresh_stale_standings",
        "schedule": crontab(hour=0, minute=5),
    },
}
CELERY_IMPORTS = ("fieldwork.reminders.tasks", "fieldwork.tasks", "fieldwork.stored.plan_refresh")

# Personal data (docs/privacy.md, docs/domain.md §10 `privacy purge`): a person is anonymized this many
# years after their end date; trip attachments (and exemption documents) are deleted this many years
# after the trip (the exemption) ended.
PRIVACY_PEOPLE_RETENTION_YEARS = env.int("PRIVACY_PEOPLE_RETENTION_YEARS", default=5)
PRIVACY_ATTACHMENT_RETENTION_YEARS = env.int("PRIVACY_ATTACHMENT_RETENTION_YEARS", default=3)

# docs/rules.md “Stored standings”: a change to a plan (its groups, categories, exemption reasons) recomputes the stored
# standings of all its cadres in the request only up to this many cadres; above, a background job
# (fieldwork.stored.plan_refresh) recomputes them in chunks of STANDINGS_REFRESH_CHUNK with progress.
STANDINGS_SYNC_LIMIT = env.int("STANDINGS_SYNC_LIMIT", default=300)
STANDINGS_REFRESH_CHUNK = env.int("STANDINGS_REFRESH_CHUNK", default=500)

# Logs (docs/operations.md): one JSON object per line on stderr with the request id and the user's id
# (config.observability), carried into Celery tasks; LOG_FORMAT=text for a person reading a terminal.
# Secret links (calendar feed, email change, invitation, password reset) are redacted.
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_secrets": {"()": "config.redaction.RedactSecretsFilter"},
        "context": {"()": "config.observability.ContextFilter"},
        "scrub_exceptions": {"()": "core.logsafe.ScrubExceptionsFilter"},
    },
    "formatters": {
        "json": {"()": "config.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(user_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context", "redact_secrets", "scrub_exceptions"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
    "loggers": {"django.server": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

# Operations (docs/operations.md) ------------------------------------------------------------------
# Backups: beat runs `backup` daily at BACKUP_HOUR:30 into BACKUP_DIR/fieldwork-YYYYMMDD-HHMMSS and
# keeps the newest of each of the last BACKUP_KEEP_DAILY days and BACKUP_KEEP_WEEKLY ISO weeks.
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "backups")
BACKUP_KEEP_DAILY = env.int("BACKUP_KEEP_DAILY", default=7)
BACKUP_KEEP_WEEKLY = env.int("BACKUP_KEEP_WEEKLY", default=4)
BACKUP_HOUR = env.int("BACKUP_HOUR", default=1)
BACKUP_TIMEOUT = env.int("BACKUP_TIMEOUT", default=3 * 3600)
# pg_dump / pg_restore of the server's major version (or newer).
PG_DUMP = env("PG_DUMP", default="pg_dump")
PG_RESTORE = env("PG_RESTORE", default="pg_restore")
# /metrics answers only `Authorization: Bearer METRICS_TOKEN` or an address in METRICS_ALLOWED_IPS
# (addresses or networks, comma-separated); with neither it is closed (404).
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])
# The watchdog (config.tasks.watchdog, every WATCHDOG_MINUTES): a job running past the task time
# limit is marked failed with the reason and can be retried; reminder emails whose message never
# reached the broker are queued again.
WATCHDOG_MINUTES = env.int("WATCHDOG_MINUTES", default=5)
REMINDER_REQUEUE_MINUTES = env.int("REMINDER_REQUEUE_MINUTES", default=10)
# A reminder email that failed is retried after EMAIL_RETRY_SECONDS × 2^attempt.
EMAIL_RETRY_SECONDS = env.int("EMAIL_RETRY_SECONDS", default=60)
CELERY_BEAT_SCHEDULE["daily-backup"] = {
    "task": "config.tasks.daily_backup",
    "schedule": crontab(hour=BACKUP_HOUR, minute=30),
}
CELERY_BEAT_SCHEDULE["watchdog"] = {"task": "config.tasks.watchdog", "schedule": WATCHDOG_MINUTES * 60.0}
CELERY_IMPORTS = (*CELERY_IMPORTS, "config.tasks")
# The worker and beat log through LOGGING (config.observability connects Celery's setup_logging).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Digital signing (docs/security.md, docs/signing.md). The key that encrypts the
# organizations' private keys at rest comes from the environment only (a Fernet key:
# `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`);
# without it no certificate can be installed or used. A timestamp authority URL makes the
# signatures PAdES B-T (else B-B).
SIGNING_KEY_ENCRYPTION_KEY = env("SIGNING_KEY_ENCRYPTION_KEY", default="")
SIGNING_TSA_URL = env("SIGNING_TSA_URL", default="")
# The public verification page ("Xác minh văn bản"): checks per client address per hour.
VERIFICATIONS_PER_ADDRESS = env.int("VERIFICATIONS_PER_ADDRESS", default=30)
VERIFY_MAX_UPLOAD = env.int("VERIFY_MAX_UPLOAD", default=20 * 1024 * 1024)
