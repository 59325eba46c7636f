"""Django settings for `monell serve`, read from the environment that the command sets.

MONELL_DB        the database URL (same as every other command's --db); default SQLite file
MONELL_KEY_FILE  the key file (SECRET_KEY and the encryption keys); made on first start
MONELL_ALLOWED_HOSTS  comma-separated host names (default: localhost names)
MONELL_BEHIND_TLS_PROXY=1  trust X-Forwarded-Proto from the proxy: secure cookies, HSTS
MONELL_SMTP_HOST / _PORT / _USER / _PASSWORD / _STARTTLS, MONELL_MAIL_FROM, MONELL_FIRM_EMAIL
MONELL_STAFF_IDLE_MINUTES  idle timeout of a staff session (default 30)
See docs/web.md. One firm per installation.
"""

from __future__ import annotations

import os
from pathlib import Path

from monell.web.config import django_database, ensure_key_file, key_file_path

WEB = Path(__file__).resolve().parent

MONELL_KEYS, _created = ensure_key_file(key_file_path())
SECRET_KEY = MONELL_KEYS.secret_key
DEBUG = os.environ.get("MONELL_DEBUG") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("MONELL_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "monell.web.accounts",
    "monell.web.audit",
    "monell.web.intake",
    "monell.web.cases",
    "monell.web.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "monell.web.accounts.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "monell.web.accounts.middleware.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "monell.web.accounts.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "monell.web.urls"
WSGI_APPLICATION = "monell.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

DATABASES = {"default": django_database(os.environ.get("MONELL_DB", ""))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    # Shared by every worker process and server (rate limits, lockouts): the database.
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "monell_web_cache",
    }
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "cases:queue"
OTP_TOTP_ISSUER = os.environ.get("MONELL_FIRM_NAME", "Monell")

# Lockout: five failures on one account lock it for an hour (django-axes).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# What axes keeps of a failed login's form: never the authenticator code or the CSRF token.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token", "csrfmiddlewaretoken"]

# Sessions: a person filling in the interview is never timed out (answers are saved at every
# step and the session lasts 30 days); a staff session ends after MONELL_STAFF_IDLE_MINUTES idle.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 30 * 24 * 3600
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
STAFF_IDLE_SECONDS = int(os.environ.get("MONELL_STAFF_IDLE_MINUTES", "30")) * 60

BEHIND_TLS_PROXY = os.environ.get("MONELL_BEHIND_TLS_PROXY") == "1"
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    CSRF_TRUSTED_ORIGINS = [
        o.strip() for o in os.environ.get("MONELL_TRUSTED_ORIGINS", "").split(",") if o.strip()
    ]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A CSP without unsafe-inline: styles and the few scripts are files served by the app.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [WEB / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("MONELL_TIME_ZONE", "America/Chicago")

STATIC_URL = "/static/"
STATIC_ROOT = None  # served from the package by WhiteNoise (no collectstatic step)
STATICFILES_DIRS = [WEB / "static"]
WHITENOISE_USE_FINDERS = True  # serve from the package; no collectstatic step to forget
WHITENOISE_AUTOREFRESH = DEBUG

# Uploads: what a person may attach to a consultation request.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
MONELL_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
MONELL_UPLOAD_MAX_FILES = 5

# Rate limits (django-ratelimit syntax, e.g. "60/m"); raise them only for load tests.
MONELL_API_LEADS_RATE = os.environ.get("MONELL_API_LEADS_RATE", "60/m")
MONELL_PUBLIC_SUBMIT_RATE = os.environ.get("MONELL_PUBLIC_SUBMIT_RATE", "10/h")  # per address
MONELL_LOGIN_RATE = os.environ.get("MONELL_LOGIN_RATE", "50/10m")  # staff logins per address

# Mail: SMTP when configured, else messages go to the server log without personal data.
EMAIL_HOST = os.environ.get("MONELL_SMTP_HOST", "")
EMAIL_PORT = int(os.environ.get("MONELL_SMTP_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("MONELL_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("MONELL_SMTP_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("MONELL_SMTP_STARTTLS", "1") == "1"
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "monell.web.notify.LogOnlyEmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("MONELL_MAIL_FROM", "intake@localhost")
MONELL_FIRM_EMAIL = os.environ.get("MONELL_FIRM_EMAIL", "")
MONELL_FIRM_NAME = os.environ.get("MONELL_FIRM_NAME", "the firm")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "monell.web.logs.RedactSecrets"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["stderr"], "level": "INFO"},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "alembic": {"level": "WARNING"},
    },
}
