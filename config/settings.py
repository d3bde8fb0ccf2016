"""Lessonbox settings, read from the environment.

The defaults are the embedded setup (SQLite, a local-memory cache, a file-system Celery
broker, the offline tutor): nothing to install or start. Production sets DATABASE_URL,
REDIS_URL or CELERY_BROKER_URL and the rest; see .env.example for every variable.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_secret, env_str
from config.paths import default_sandbox_runtime_dir

BASE_DIR = Path(__file__).resolve().parent.parent
# Writable state of the embedded setup: the SQLite file, the file broker, uploads.
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or SECRET_KEY_FILE) when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-never-used-with-debug-off"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated host names) when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "accounts",
    "lessons",
    "quizzes",
    "tutor",
    "progress",
    "sandbox_runner",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Serves anonymous catalog and lesson pages whole, before the rest of the stack runs.
    "lessons.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'lessonbox.sqlite3'}"))}
_SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
# An SQLite connection kept open keeps its page cache and its parsed schema: a fresh one
# per request costs a search page about 1.5 ms. Opening one is cheap, so keep it a while.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", default=600 if _SQLITE else 0, minimum=0)
if _SQLITE:
    # WAL lets the web server read while the Celery worker writes; IMMEDIATE takes the
    # write lock up front so concurrent writers wait instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database (Django's table), read with one prepared SELECT: see common/sessions.py.
SESSION_ENGINE = "common.sessions"

# Accounts: an email address is the login (accounts.User).
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.AccountBackend"]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# Password-reset mail: printed on the console unless an SMTP server is named.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", default=587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Lessonbox <lessonbox@localhost>")

PROGRESS_SYNC_MAX_BYTES = env_int("PROGRESS_SYNC_MAX_BYTES", default=4 * 1024 * 1024, minimum=1024)

# Requests per client (account, else address) per window, by scope: see common/ratelimit.py.
RATE_LIMITS = {
    "sign-in": env_str("RATE_LIMIT_SIGN_IN", "10/m"),
    "sign-in-account": env_str("RATE_LIMIT_SIGN_IN_ACCOUNT", "20/h"),  # failed tries against one address
    "sign-up": env_str("RATE_LIMIT_SIGN_UP", "5/h"),
    "password-reset": env_str("RATE_LIMIT_PASSWORD_RESET", "5/h"),
    "quiz-answers": env_str("RATE_LIMIT_QUIZ_ANSWERS", "120/m"),
    "progress-sync": env_str("RATE_LIMIT_PROGRESS_SYNC", "30/m"),
    "progress-browser": env_str("RATE_LIMIT_PROGRESS_BROWSER", "60/m"),  # anonymous dashboards drawn from a browser's records
    "api-token": env_str("RATE_LIMIT_API_TOKEN", "10/m"),  # POST /api/auth/token/ per address: password guesses
    "tutor": env_str("RATE_LIMIT_TUTOR", "20/m"),  # tutor questions per learner (account, else address)
}

# The tutor answers offline unless an OpenAI-compatible endpoint is configured
# (a hosted service, Ollama, vLLM, llama.cpp's server); any failure of it falls back
# to the offline engine. See docs/operations.md.
TUTOR_BASE_URL = env_str("TUTOR_BASE_URL")
TUTOR_API_KEY = env_secret("TUTOR_API_KEY")
TUTOR_MODEL = env_str("TUTOR_MODEL")
TUTOR_TIMEOUT_SECONDS = env_int("TUTOR_TIMEOUT_SECONDS", default=20, minimum=1)
TUTOR_MAX_RETRIES = env_int("TUTOR_MAX_RETRIES", default=2, minimum=0)
TUTOR_QUESTION_RETENTION_DAYS = env_int("TUTOR_QUESTION_RETENTION_DAYS", default=90, minimum=1)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
# The site speaks English only; without the translation machinery every number and
# date a template shows skips a language lookup (a search page renders 0.3 ms faster).
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the app folders when collectstatic has not run (tests, first start).
WHITENOISE_USE_FINDERS = True

BEHIND_HTTPS_PROXY = env_bool("BEHIND_HTTPS_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_HTTPS_PROXY else None
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "config.api_schema.ApiSchema",
    # A token first, so that a request without credentials where they are needed answers 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication", "rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    # The API reads JSON; an upload view reads multipart itself. Both stop at DATA_UPLOAD_MAX_MEMORY_SIZE.
    "DEFAULT_PARSER_CLASSES": ["config.api.JSONParser"],
    "EXCEPTION_HANDLER": "config.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lessonbox API",
    "DESCRIPTION": (
        "Read the lesson catalog; run code in the sandbox.\n\n"
        "**Authentication.** Anonymous use is allowed. An account's client sends `Authorization: Token <token>` "
        "(from `POST /api/auth/token/`); a browser signed in to the site uses its session cookie (and the CSRF token on writes).\n\n"
        "**Ownership.** Runs and uploads made without an account belong to the browser session whose cookie (`sessionid`) "
        "the creating response set: only a client that sends that cookie back can read them, and any other client gets 404. "
        "Those made with an account belong to the account, whichever client reads them.\n\n"
        "**Errors.** Every error is JSON with a `detail` sentence; a 400 also names each field with its messages."
    ),
    "VERSION": "1.1.0",
    "SERVE_INCLUDE_SCHEMA": False,  # the schema does not describe itself
    "ENUM_NAME_OVERRIDES": {"RunStatusEnum": "sandbox_runner.models.Run.Status"},
    "SWAGGER_UI_DIST": "SIDECAR",  # served from our own static files: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Celery. The embedded default is a broker made of files under DATA_DIR, so one machine
# needs no server; production points CELERY_BROKER_URL at Redis or RabbitMQ and runs
# workers anywhere that reaches the broker and the database.
# ("localhost" only names the file broker's one machine: without it kombu warns at start.)
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://localhost/")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = DATA_DIR / "broker"
    for _folder in ("processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir / "processed"),
        # Exchange tables; kombu's default is a "control" folder in the working directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        "polling_interval": 0.1,  # seconds between looks at the folder: runs start promptly
    }
# Untrusted code runs only on workers that consume the sandbox queue.
CELERY_TASK_ROUTES = {"sandbox_runner.tasks.execute_run": {"queue": "sandbox"}}
# JSON only: a message can carry ids, never code (workers start as root, see config/celery.py).
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True  # results live on our own rows, not in a result backend
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Authoring.
CONTENT_DIR = Path(env_str("CONTENT_DIR", str(BASE_DIR / "content")))
CONTENT_MAX_FILE_BYTES = env_int("CONTENT_MAX_FILE_BYTES", default=2_000_000, minimum=1)
EXERCISE_MAX_DATA_BYTES = env_int("EXERCISE_MAX_DATA_BYTES", default=20_000_000, minimum=1)
# The sandbox. Learners' code runs under bubblewrap in its own Python environment
# (requirements-sandbox.txt), which bin/serve and bin/test create; the unisolated
# backend exists for development on machines without bubblewrap and is never chosen
# silently.
SANDBOX_RUNTIME_DIR = Path(env_str("SANDBOX_RUNTIME_DIR", str(default_sandbox_runtime_dir(BASE_DIR))))
SANDBOX_PYTHON = env_str("SANDBOX_PYTHON", str(SANDBOX_RUNTIME_DIR / "bin" / "python"))
SANDBOX_ALLOW_UNISOLATED = env_bool("SANDBOX_ALLOW_UNISOLATED", default=False)
SANDBOX_DEFAULT_LIMITS = {
    "wall_seconds": env_int("SANDBOX_WALL_SECONDS", default=10, minimum=1),
    "cpu_seconds": env_int("SANDBOX_CPU_SECONDS", default=10, minimum=1),
    "memory_mb": env_int("SANDBOX_MEMORY_MB", default=512, minimum=32),
    "processes": env_int("SANDBOX_PROCESSES", default=64, minimum=4),
    "output_kb": env_int("SANDBOX_OUTPUT_KB", default=1024, minimum=1),
    "disk_mb": env_int("SANDBOX_DISK_MB", default=50, minimum=1),
}
# The most an exercise may ask for.
SANDBOX_MAX_LIMITS = {
    "wall_seconds": env_int("SANDBOX_MAX_WALL_SECONDS", default=60, minimum=1),
    "cpu_seconds": env_int("SANDBOX_MAX_CPU_SECONDS", default=60, minimum=1),
    "memory_mb": env_int("SANDBOX_MAX_MEMORY_MB", default=2048, minimum=32),
    "processes": env_int("SANDBOX_MAX_PROCESSES", default=256, minimum=4),
    "output_kb": env_int("SANDBOX_MAX_OUTPUT_KB", default=4096, minimum=1),
    "disk_mb": env_int("SANDBOX_MAX_DISK_MB", default=500, minimum=1),
}
# What one run may keep of the files and figures it made, in all and per file; the rest is
# listed as "not kept: too large" with its size.
SANDBOX_KEEP_RUN_MB = env_int("SANDBOX_KEEP_RUN_MB", default=20, minimum=1)
SANDBOX_KEEP_FILE_MB = env_int("SANDBOX_KEEP_FILE_MB", default=10, minimum=1)
# Started sandboxes each worker process keeps waiting: with pandas & co. imported, and without.
SANDBOX_WARM_POOL_SIZE = env_int("SANDBOX_WARM_POOL_SIZE", default=1, minimum=0)
SANDBOX_LIGHT_POOL_SIZE = env_int("SANDBOX_LIGHT_POOL_SIZE", default=2, minimum=0)
SANDBOX_RUNS_PER_MINUTE = env_int("SANDBOX_RUNS_PER_MINUTE", default=30, minimum=1)
SANDBOX_UPLOAD_MAX_BYTES = env_int("SANDBOX_UPLOAD_MAX_BYTES", default=50 * 1024 * 1024, minimum=1)
SANDBOX_UPLOAD_DAYS = env_int("SANDBOX_UPLOAD_DAYS", default=7, minimum=1)
SANDBOX_UPLOAD_QUOTA_MB = env_int("SANDBOX_UPLOAD_QUOTA_MB", default=100, minimum=1)  # all of one learner's uploads together
# Runs older than this are deleted with their files, except each learner's latest run of each exercise.
SANDBOX_RUN_RETENTION_DAYS = env_int("SANDBOX_RUN_RETENTION_DAYS", default=30, minimum=1)

# Files runs wrote, their figures and learners' uploads live in Django's file storage: a folder
# under DATA_DIR by default, or any S3-compatible store. They are never served by URL, only
# through views that check their owner.
FILE_STORAGE = env_str("FILE_STORAGE", "local")
MEDIA_ROOT = DATA_DIR / "media"
if FILE_STORAGE == "local":
    STORAGES["default"] = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(MEDIA_ROOT)}}
elif FILE_STORAGE == "s3":
    if not env_str("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("Set AWS_STORAGE_BUCKET_NAME when FILE_STORAGE=s3.")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,  # e.g. https://minio.example.org:9000; empty for AWS
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            # Empty keys leave boto3 to its usual sources (AWS_ACCESS_KEY_ID, an instance role).
            "access_key": env_secret("AWS_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_secret("AWS_S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("AWS_LOCATION", "lessonbox"),  # a key prefix inside the bucket
            "default_acl": None,  # the bucket's own (private) policy applies
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured(f"FILE_STORAGE={FILE_STORAGE!r} is not one of local, s3.")

# Housekeeping. Exactly one beat process may run per site: bin/serve's worker runs it (-B).
CELERY_BEAT_SCHEDULE = {
    "fail-stale-runs": {"task": "sandbox_runner.tasks.fail_stale_runs", "schedule": 60.0},
    "delete-old-runs-and-uploads": {"task": "sandbox_runner.tasks.delete_old_runs_and_uploads", "schedule": 3600.0},
    "delete-old-tutor-questions": {"task": "tutor.tasks.delete_old_questions", "schedule": 3600.0},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# Let an upload of the largest allowed size through Django's request limits.
DATA_UPLOAD_MAX_MEMORY_SIZE = SANDBOX_UPLOAD_MAX_BYTES + 1024 * 1024

# Lesson pages are cached as rendered fragments; an import bumps the catalog version
# (kept in this file when the cache is each process's own memory).
CATALOG_VERSION_FILE = DATA_DIR / "catalog-version"
LESSON_CACHE_SECONDS = env_int("LESSON_CACHE_SECONDS", default=3600, minimum=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
