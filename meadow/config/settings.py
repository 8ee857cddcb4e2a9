"""Django settings for Meadow, read from environment variables (see ``env.SETTINGS``)."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from meadow.config import env

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PACKAGE_DIR.parent

DEBUG = env.get_bool("MEADOW_DEBUG")
DATA_DIR = env.get_path("MEADOW_DATA_DIR", BASE_DIR)
SECRET_KEY = env.secret_key(DATA_DIR)
ALLOWED_HOSTS = env.get_list("MEADOW_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.get_list("MEADOW_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "meadow.core",
    "meadow.audit",
    "meadow.frameworks",
    "meadow.places",
    "meadow.parties",
    "meadow.targets",
    "meadow.commitments",
    "meadow.stocktake",
    "meadow.reports",
    "meadow.demo",
    "meadow.indicators",
    "meadow.jobs",
    "meadow.library",
    "meadow.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "meadow.config.urls"
WSGI_APPLICATION = "meadow.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "meadow.site.context.site",
            ],
        },
    }
]

_database_url = env.get_str("MEADOW_DATABASE_URL")
if _database_url:
    DATABASES = {"default": env.parse_database_url(_database_url)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "meadow.sqlite3"),
            # Readers do not wait for a writer in WAL mode; a busy writer waits 20 s.
            "OPTIONS": {
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs run in a thread of the web process; inline when this is on.
JOBS_SYNC = env.get_bool("MEADOW_JOBS_SYNC")

_redis_url = env.get_str("MEADOW_REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
        if _redis_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Passwords are stored with Argon2; older hashes are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Sign-in refuses further attempts after repeated failures (meadow.parties.throttle).
AUTHENTICATION_BACKENDS = ["meadow.parties.backends.ThrottledModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "account"
LOGOUT_REDIRECT_URL = "home"
TRUST_X_FORWARDED_FOR = env.get_bool("MEADOW_TRUST_X_FORWARDED_FOR")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The six official languages of the United Nations, in the order of the UN's own sites.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
]
LANGUAGES_BIDI = ["ar"]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.get_str("MEADOW_TIME_ZONE")

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise serves from the finders; an existing (maybe empty) root keeps it quiet.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_SECURE = env.get_bool("MEADOW_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 14 * 24 * 3600

# Mail (invitations, password reset): SMTP when configured, else files in the data folder.
_email_url = env.get_str("MEADOW_EMAIL_URL")
if _email_url:
    _mail = env.parse_email_url(_email_url)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.host
    EMAIL_PORT = _mail.port
    EMAIL_HOST_USER = _mail.user
    EMAIL_HOST_PASSWORD = _mail.password
    EMAIL_USE_SSL = _mail.use_ssl
    EMAIL_USE_TLS = _mail.use_tls
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = env.get_str("MEADOW_EMAIL_FROM")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "meadow.core.rest.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "meadow.core.rest.CSVRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # Machine clients send "Authorization: Bearer <key>"; browsers use their session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "meadow.parties.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "URL_FORMAT_OVERRIDE": "format",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Meadow API",
    "DESCRIPTION": (
        "Frameworks (GBF, Aichi, SDGs), their typed crosswalks, places and groups; "
        "national indicator data (series, observations, imports, progress assessments) "
        "and background jobs. Every list is paginated and can be read as JSON or CSV "
        "(?format=csv); series and observations also as SDMX-JSON (?format=sdmx-json)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "kind"; name each enum after its model's choices.
    "ENUM_NAME_OVERRIDES": {
        "IndicatorKindEnum": "meadow.frameworks.models.IndicatorKind",
        "PlaceKindEnum": "meadow.places.models.PlaceKind",
        "GroupKindEnum": "meadow.places.models.GroupKind",
        "RoleEnum": "meadow.parties.models.Role",
        "CommitmentStatusEnum": "meadow.commitments.models.Status",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env.get_choice("MEADOW_LOG_LEVEL", {"DEBUG", "INFO", "WARNING", "ERROR"}),
    },
}
