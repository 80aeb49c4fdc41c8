"""Sunshine settings: one file, configured only through environment variables (DESIGN §6)."""

import datetime as dt
import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env(
    "SECRET_KEY", default="insecure-development-key-set-SECRET_KEY-in-production" if DEBUG else environ.Env.NOTSET
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
# Two-factor sign-in for county level and above; on by default outside development.
REQUIRE_2FA = env.bool("REQUIRE_2FA", default=not DEBUG)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "auditlog",
    "sunshine",
    "cases",
    "training",
    "placement",
    "welfare",
    "reporting",
    "outcomes",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sunshine.middleware.SlidingSessionMiddleware",
    "sunshine.middleware.InterfaceLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sunshine.middleware.GrantsReadOnceMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sunshine.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sunshine.middleware.HostileInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
    "sunshine.middleware.JobsUnavailableMiddleware",
    "sunshine.db_router.ReplicaReadsMiddleware",  # last: it routes the view's reads, not the middleware's
]

ROOT_URLCONF = "sunshine.urls"
WSGI_APPLICATION = "sunshine.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sunshine.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The test database is a file, not shared memory: browser tests serve pages from other threads,
    # each with its own connection, waiting on locks instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}
    # An index's INCLUDE columns (``prefix_index``) are PostgreSQL's: SQLite builds the index without them.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
# A PostgreSQL streaming replica for reports (sunshine/db_router.py, docs/deployment.md). In tests it mirrors the
# test database by name: created on the primary, that database streams to the replica like everything else.
if env("REPLICA_DATABASE_URL", default=""):
    DATABASES["replica"] = env.db("REPLICA_DATABASE_URL")
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)  # a dead replica: primary
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
for database in DATABASES.values():
    if database["ENGINE"].endswith("postgresql"):
        # No JIT compilation: the planner's costs for correlated subqueries (the work list's last test, whereabouts)
        # run past jit_above_cost, and compiling took 2.3 of a 2.6 s statement that runs in 0.25 s (issue 17).
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()  # after any set by the URL
        # A web or Celery process keeps its connection between requests (checked before reuse) instead of opening
        # one per request: a new PostgreSQL backend forks and reads its catalogs afresh (issue 17).
        database.setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=300))
        database["CONN_HEALTH_CHECKS"] = True
DATABASE_ROUTERS = ["sunshine.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "sunshine.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
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

# Idle sessions end after 30 minutes: a signed-in request pushes the expiry forward, writing the session at most once
# a minute (sunshine.middleware.SlidingSessionMiddleware), not on every request.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# django-axes: five failures lock the username from that address for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

OTP_TOTP_ISSUER = "Sunshine 阳光工程"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
FORMAT_MODULE_PATH = ["sunshine.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# The print fonts PDF documents embed (sunshine.pdf), cut by `manage.py build_print_fonts`.
PRINT_FONT_DIR = env.path("PRINT_FONT_DIR", default=BASE_DIR / "var" / "fonts")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a refused token then answers 401 with "WWW-Authenticate: Token".
        "sunshine.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["sunshine.filters.ScopedFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "sunshine.api.renderers.FormlessBrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "sunshine.pagination.BoundedPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DATE_FORMAT": "%Y-%m-%d",
    "DATE_INPUT_FORMATS": ["%Y-%m-%d"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sunshine API",
    "DESCRIPTION": "Community detox and rehabilitation case management (阳光工程). Every endpoint is scoped to the "
    "caller's region; objects outside it answer 404.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI served from our own static files (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# Audit log (django-auditlog) with our own entry model that records the region of each event.
AUDITLOG_LOGENTRY_MODEL = "sunshine.AuditEntry"
# More "registered elsewhere" answers than this to one user in one day alert the county office (issue 12).
REGISTRATION_PROBE_LIMIT = env.int("REGISTRATION_PROBE_LIMIT", default=20)
AUDITLOG_INCLUDE_ALL_MODELS = False
# django-auditlog's migrations create its own LogEntry table even when the model is swapped out; that
# unused table would only block database flushes, so the app runs without migrations.
MIGRATION_MODULES = {"auditlog": None, "knox": None}

# API tokens (django-rest-knox, our ApiToken model): stored as hashes, dead after 8 idle hours and
# after 30 days whatever the use, and dead as soon as the account's password, role, region,
# department or status changes (see ApiToken).
KNOX_TOKEN_MODEL = "sunshine.ApiToken"  # noqa: S105 (a model name, not a secret)
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(hours=8),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": dt.timedelta(days=30),
}

# Indicator choices (DESIGN §4), with the design's defaults; see docs/indicators.md.
# Measures that count a current person as under control (all six kinds; a suspended CD/CR still counts).
INDICATOR_CONTROL_MEASURES = env.list(
    "INDICATOR_CONTROL_MEASURES",
    default=[
        "community_detox", "community_rehab", "compulsory_isolation", "voluntary_detox", "methadone", "facility_rehab",
    ],
)  # fmt: skip
# Whether persons recorded as unable to work leave the placement rate's denominator (and numerator).
INDICATOR_PLACEMENT_EXCLUDES_UNABLE = env.bool("INDICATOR_PLACEMENT_EXCLUDES_UNABLE", default=False)
# The province the system serves (Guizhou): the root of the divisions load_regions loads, and the region the
# system-wide reader (sunshine.access.SYSTEM) reads.
PROVINCE_CODE = env("PROVINCE_CODE", default="52")
# Townships counted as urban (城镇) for the urban placement rate, by the ending of their name (read by load_regions).
URBAN_TOWNSHIP_SUFFIXES = tuple(env.list("URBAN_TOWNSHIP_SUFFIXES", default=["街道", "镇"]))

# Uploads are parsed in a child process with these limits (sunshine.uploads.run_bounded; bench/upload_memory.py).
UPLOAD_READ_MEMORY_MB = env.int("UPLOAD_READ_MEMORY_MB", default=1536)
UPLOAD_READ_CPU_SECONDS = env.int("UPLOAD_READ_CPU_SECONDS", default=300)

# Celery: with no REDIS_URL the tasks run in-process, so the app needs nothing else running.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # a task whose process died goes back to the queue (sunshine.jobs)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The longest job (a province-wide import or export) and how often a running job proves its worker alive.
JOB_TIME_LIMIT = env.int("JOB_TIME_LIMIT", default=3600)
JOB_HEARTBEAT_SECONDS = 5
# A job still queued this long while a worker is alive and idle lost its message: the reaper fails it.
JOB_QUEUE_SECONDS = env.int("JOB_QUEUE_SECONDS", default=300)
WORKER_HEARTBEAT_SECONDS = 60  # beat's worker heartbeat; /health/ says the worker is down after three missed
# An unacknowledged task is given to another worker only after this: longer than any job may run.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": JOB_TIME_LIMIT + 600, "socket_connect_timeout": 2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# The cache carries background jobs' progress from the worker to the web (sunshine.jobs): Redis where there is one.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
