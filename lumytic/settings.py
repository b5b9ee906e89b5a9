"""Lumytic settings: one module, every difference between environments comes from variables.

Unset variables give the embedded default: SQLite, a database cache, Celery tasks run in-process
and emails printed to the console. See README.md for the full table.
"""

from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env(
    "SECRET_KEY", default="insecure-dev-key-change-me" if DEBUG else environ.Env.NOTSET
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_countries",
    "phonenumber_field",
    "django_htmx",
    "template_partials",
    "django_celery_beat",
    "lumytic.accounts",
    "lumytic.core",
    "notifications",
    "customers",
    "sales",
    "conversations",
    "portal",
]
# The admin site is Lumytic's own (it sends people to the rate-limited allauth login).
INSTALLED_APPS[0] = "lumytic.admin.LumyticAdminConfig"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "lumytic.accounts.middleware.MFARequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lumytic.core.middleware.FormAddressMiddleware",
    # After AuthenticationMiddleware: reads request.user once the view has signed anyone in or out.
    "lumytic.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "lumytic.urls"
WSGI_APPLICATION = "lumytic.wsgi.application"
ASGI_APPLICATION = "lumytic.asgi.application"

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
                "lumytic.core.context_processors.site",
                "lumytic.core.context_processors.nav_counts",
            ],
        },
    }
]

# --- Data -------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # services own their transactions
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server and statements prepared on their second use: PostgreSQL then
    # plans each repeated query once per connection. Planning cost more than running the portal's
    # queries (1.4 ms against 0.7 ms for the badge counts); every portal page got 2.5-4.5 ms
    # faster (bench/RESULTS.md). DB_PREPARE_THRESHOLD=0 turns it off (e.g. behind a pgbouncer in
    # transaction mode, which cannot keep prepared statements).
    _prepare = env.int("DB_PREPARE_THRESHOLD", default=2)
    if _prepare:
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=_prepare
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Degrades to "no cache" while Redis is unreachable (lumytic/core/cache.py); short
            # socket timeouts so an outage costs a request little time.
            "BACKEND": "lumytic.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "lumytic",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    # A shared cache even without Redis, so login rate limits hold across processes.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "lumytic_cache",
        }
    }

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    # Django's common list, also with the digits and symbols around a word taken off.
    {"NAME": "lumytic.accounts.validators.CommonPasswordValidator"},
    # The user's email, name and company (their contact's customer).
    {"NAME": "lumytic.accounts.validators.PersonalDetailsValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "lumytic.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
PORTAL_INVITATION_DAYS = env.int("PORTAL_INVITATION_DAYS", default=7)
# Staff roles (lumytic/accounts/roles.py). When on, a user without "see every customer" (the
# customer advisor role) sees only the customers they advise; others are 404 to them.
ADVISOR_SEES_OWN_CUSTOMERS_ONLY = env.bool("ADVISOR_SEES_OWN_CUSTOMERS_ONLY", default=False)
# Creating or applying a credit above this amount needs a manager (sales.approve_large_credit).
# It is compared in the credit's own currency: no exchange rate of the day decides who may act.
CREDIT_APPROVAL_THRESHOLD = Decimal(env("CREDIT_APPROVAL_THRESHOLD", default="1000"))
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True  # a set-password link lands the user signed in
# Set-password tokens are bound to the outbox email that carried them: a newer email voids them.
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "lumytic.accounts.links.SetPasswordTokenGenerator"
ACCOUNT_PRESERVE_USERNAME_CASING = False
# How many proxies (load balancers) append to X-Forwarded-For in front of the app: the
# address they report is the client's, for every per-address limit. 0: no proxy, the socket's
# address is the client's (a forged header is then ignored).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Failed sign-ins count per client address, and per client address and account ("key"), so a
# known email can't be used to lock its owner out from elsewhere.
ACCOUNT_RATE_LIMITS = {
    "login": env("RATE_LIMIT_LOGIN", default="30/m/ip"),
    "login_failed": env("RATE_LIMIT_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    "reset_password": env("RATE_LIMIT_RESET_PASSWORD", default="20/m/ip,5/m/key"),
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "signup": "20/m/ip",
    "portal_signup": env("RATE_LIMIT_PORTAL_SIGNUP", default="10/h/ip"),
}

# Two-factor sign-in (allauth MFA): an authenticator app with recovery codes, or a security key.
# Browsers offer security keys (WebAuthn) only on https or at http://localhost (not an IP).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False  # a key is a second factor after the password, not instead
MFA_TOTP_ISSUER = "Lumytic"
MFA_ADAPTER = "lumytic.accounts.mfa.MFAAdapter"
# Staff who hold any of these permissions must pass a second factor to use /office/ or /admin/.
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=True)
MFA_REQUIRED_PERMISSIONS = env.list(
    "MFA_REQUIRED_PERMISSIONS",
    default=["sales.confirm_payment", "portal.manage_portal_access"],
)

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = env("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("ar", _("Arabic"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Third-party front-end packages come from the npm registry (package.json), never a CDN.
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without collected files (development, tests) WhiteNoise serves straight from the finders.
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# Uploads on S3-compatible object storage keep web nodes stateless.
AWS_STORAGE_BUCKET_NAME = env("S3_BUCKET", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = env("S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env("S3_REGION", default=None)
    AWS_ACCESS_KEY_ID = env("S3_ACCESS_KEY_ID", default=None)
    AWS_SECRET_ACCESS_KEY = env("S3_SECRET_ACCESS_KEY", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_S3_FILE_OVERWRITE = False
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760

# --- Email and notifications --------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
if EMAIL_CONFIG.get("EMAIL_BACKEND") == "django.core.mail.backends.smtp.EmailBackend":
    # Django's backend on a connection that knows whether a message went out (mailer.py).
    EMAIL_CONFIG["EMAIL_BACKEND"] = "notifications.mailer.SMTPBackend"
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="no-reply@lumytic.local")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
NOTIFICATIONS = {
    # Called with no arguments; gives the Reply-To used when no staff member is responsible.
    "DEFAULT_REPLY_TO": "lumytic.core.services.company_reply_to",
    "MAX_RETRIES": env.int("OUTBOX_MAX_RETRIES", default=5),
    "RETRY_BACKOFF_SECONDS": env.int("OUTBOX_RETRY_BACKOFF", default=30),
    "RETRY_BACKOFF_MAX_SECONDS": env.int("OUTBOX_RETRY_BACKOFF_MAX", default=600),
    # A pending email this long overdue is queued again by the sweep (which runs every minute).
    "SWEEP_AFTER_SECONDS": env.int("OUTBOX_SWEEP_AFTER", default=60),
    # A worker silent this long after it started sending has stopped; the outcome is unknown.
    "SENDING_STALE_AFTER_SECONDS": env.int("OUTBOX_SENDING_STALE_AFTER", default=300),
    # An email whose server may already have it is tried once more, only after this delay.
    "UNKNOWN_RETRY_AFTER_SECONDS": env.int("OUTBOX_UNKNOWN_RETRY_AFTER", default=3600),
    # Drains that may send at once: the email worker's concurrency (deploy/systemd). Sending waits
    # on the network far more than it computes, so four share two cores well (bench/outbox.py).
    "DRAINS": env.int("OUTBOX_DRAINS", default=4),
}

# --- Currency exchange --------------------------------------------------------------------------
# Rates are stored as units of each currency per 1 unit of the base currency.
BASE_CURRENCY = env("BASE_CURRENCY", default="USD").upper()
# A key of sales.providers.PROVIDERS ("ecb", "manual") or a dotted path to a RateProvider class.
RATE_PROVIDER = env("RATE_PROVIDER", default="ecb")
ECB_FEED_URL = env(
    "ECB_FEED_URL", default="https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml"
)
RATES_FETCH_TIMEOUT = env.float("RATES_FETCH_TIMEOUT", default=20.0)
RATES_STALE_AFTER_DAYS = env.int("RATES_STALE_AFTER_DAYS", default=3)

# --- Celery -------------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
# Without a broker every task runs in-process, so the embedded default needs no server.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# Celery would close the database connection after every task; lumytic/celery.py closes it only
# when CONN_MAX_AGE says so. (Celery closes it anyway once per this many tasks.)
CELERY_DB_REUSE_MAX = 100_000
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# A worker must outlive a Redis outage while busy. kombu 5.7's Redis transport can crash the
# worker ("Unrecoverable error: AttributeError 'NoneType' object has no attribute 'hostname'"):
# when the loss is first seen on a pub/sub socket while a BRPOP is outstanding, closing the task
# channel fails once, the transport is then detached, and the retried close tries to restore the
# unacknowledged messages through a pool it can no longer build. Only remote control, gossip and
# mingle subscribe to pub/sub, so the workers run without them (this setting, plus
# --without-gossip --without-mingle --without-heartbeat in deploy/systemd; proved by
# tests/faults/test_worker_outage.py). `celery inspect`/`control` do not reach them.
CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
# Cancelling running tasks on connection loss would requeue them through that same detached
# channel, and could cut an email off after the server accepted it; they finish instead.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Keep reconnecting through a long outage rather than exiting after 100 attempts.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Write last_run_at after every task beat sends (not every 3 minutes): `manage.py health` reads
# it as beat's heartbeat.
CELERY_BEAT_SYNC_EVERY = 1
# Emails have their own queue and workers, so a slow mail server never holds up reminders,
# imports or the daily jobs, and those never delay an email (deploy/systemd runs one of each).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "notifications.tasks.drain_outbox": {"queue": "email"},
    "notifications.tasks.send_outbound_email": {"queue": "email"},
}
# `manage.py health` fails when the oldest pending email or beat's last run is older than these
# (seconds); beat sends "customer-reminders" every minute.
HEALTH_MAX_EMAIL_AGE = env.int("HEALTH_MAX_EMAIL_AGE", default=15 * 60)
HEALTH_MAX_BEAT_SILENCE = env.int("HEALTH_MAX_BEAT_SILENCE", default=5 * 60)
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "notifications.tasks.sweep_outbox",
        "schedule": crontab(minute="*"),
    },
    "customer-reminders": {
        "task": "customers.tasks.send_due_reminders",
        "schedule": crontab(minute="*"),
    },
    "quotation-expiry": {
        "task": "sales.tasks.expire_overdue_quotations",
        "schedule": crontab(minute="10", hour="0"),  # just after midnight, local time
    },
}

# --- Security -----------------------------------------------------------------------------------
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Every page's scripts and styles come from the site's own static files: no inline <script>,
# on*="" handler or javascript: URL anywhere, and htmx runs without eval (see base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Templates still carry style="" attributes (widths, pre-wrap, the signup honeypot) and
        # the Outbox previews emails, whose HTML is styled inline. Attributes cannot load or
        # select anything, so they stay allowed while <style> elements are not.
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],  # Bootstrap draws its icons in forms as data: SVGs
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
# No page uses these browser features. WebAuthn (publickey-credentials-*) is left at its
# default, the site itself, for two-factor sign-in.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
