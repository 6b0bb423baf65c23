"""AgencyRank settings: one module, every value read from the environment.

The defaults give a working local site (SQLite, console e-mail, jobs run in-process).
``AGENCYRANK_PRODUCTION=true`` switches on the production posture: no debug, a real
secret key is required, HTTPS-only cookies, HSTS, and ``manage.py check --deploy`` clean.
The README lists every variable.
"""

import re
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from agencyrank.env import Env, mailer_from_url

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

# --- Mode ---------------------------------------------------------------------------------

PRODUCTION = env.bool("AGENCYRANK_PRODUCTION", False)
DEBUG = env.bool("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be false when AGENCYRANK_PRODUCTION is true.")

DEVELOPMENT_SECRET_KEY = "django-insecure-local-development-only-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", "" if PRODUCTION else DEVELOPMENT_SECRET_KEY)
if PRODUCTION and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure")
):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production "
        "(for example: python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names in production.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env.url(
    "SITE_URL",
    "" if PRODUCTION else "http://127.0.0.1:8000",
    schemes=("https",) if PRODUCTION else ("http", "https"),
).rstrip("/")
# Rate limits count per client address: behind this many proxies, the address is the one
# they forwarded, not the proxy's own (which would put every visitor in one bucket).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 1 if PRODUCTION else 0, minimum=0)

# --- Applications -------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_countries",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "agencyrank",
    "accounts",
    "agencies",
    "reviews",
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
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffTwoFactorMiddleware",
]

ROOT_URLCONF = "agencyrank.urls"
WSGI_APPLICATION = "agencyrank.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Data ---------------------------------------------------------------------------------

DATABASE_URL = env.url(
    "DATABASE_URL",
    f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    schemes=("sqlite", "postgres", "postgresql", "pgsql"),
)
# A new PostgreSQL connection costs about 5 ms here, more than a whole page's queries, so
# connections persist by default; health checks drop one the server has closed.
try:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env.int("DATABASE_CONN_MAX_AGE", 600, minimum=0),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # The public pages' fixed statements are prepared once per connection and planned
        # once, from the statement alone (agencyrank/prepared.py). This setting applies to
        # prepared statements and PL/pgSQL only; every other query is planned as usual.
        database_options = DATABASES["default"].setdefault("OPTIONS", {})
        database_options["options"] = " ".join(
            filter(None, [database_options.get("options"), "-c plan_cache_mode=force_generic_plan"])
        )
except (ValueError, dj_database_url.ParseError) as error:
    # The URL is not echoed: it may hold a password.
    raise ImproperlyConfigured(
        f"DATABASE_URL could not be read; check its host, port and format ({error or 'bad URL'})."
    ) from None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.raw("REDIS_URL") or None
if REDIS_URL:
    env.url("REDIS_URL", REDIS_URL, schemes=("redis", "rediss", "unix"))
    CACHES = {
        "default": {"BACKEND": "agencyrank.cache.ClientKeepingRedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Public pages and API responses served to anonymous visitors from the cache, for this many
# seconds at most; any change to public data makes them stale at once (agencyrank/page_cache.py).
# 0 turns the cache off.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", 300, minimum=0)

# --- Background jobs ----------------------------------------------------------------------

# Unset broker: jobs run in-process (eagerly), so the whole site works from one command.
CELERY_BROKER_URL = env.raw("CELERY_BROKER_URL") or None
if CELERY_BROKER_URL:
    env.url("CELERY_BROKER_URL", CELERY_BROKER_URL, schemes=("redis", "rediss", "amqp"))
CELERY_RESULT_BACKEND = env.raw("CELERY_RESULT_BACKEND") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL and CELERY_BROKER_URL.startswith("redis") else None
)
if env.raw("CELERY_RESULT_BACKEND"):
    env.url("CELERY_RESULT_BACKEND", CELERY_RESULT_BACKEND, schemes=("redis", "rediss"))
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
# A job is acknowledged only once done, and handed back if its worker dies, so a killed
# worker never loses work; every job is written to be safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", 360, minimum=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "default"
# Scoring jobs have their own queue so page-triggered work never waits behind a recompute.
CELERY_TASK_ROUTES = {"agencies.tasks.*": {"queue": "scores"}}
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_RETRY_DELAY = 10
# The schedule lives here and runs on Celery's own beat (exactly one beat process).
CELERY_BEAT_SCHEDULE = {
    "reconcile-stale-scores": {
        "task": "agencies.tasks.reconcile_stale_scores",
        "schedule": crontab(),  # every minute
    },
    "silence-sweep": {
        "task": "reviews.tasks.silence_sweep",
        "schedule": crontab(minute=17),  # hourly
    },
    "full-recompute": {
        "task": "agencies.tasks.recompute_all_scores",
        "schedule": crontab(hour=3, minute=5),  # nightly
    },
    "monthly-snapshots": {
        "task": "agencies.tasks.take_monthly_snapshots",
        "schedule": crontab(day_of_month=1, hour=4, minute=5),
    },
}

# --- Scoring (docs/scoring.md explains each value) ----------------------------------------

SCORING_REPLY_WINDOW_DAYS = env.int("SCORING_REPLY_WINDOW_DAYS", 14, minimum=1)
SCORING_GHOSTING_WINDOW_DAYS = env.int("SCORING_GHOSTING_WINDOW_DAYS", 30, minimum=1)
SCORING_FEEDBACK_WINDOW_DAYS = env.int("SCORING_FEEDBACK_WINDOW_DAYS", 21, minimum=1)
SCORING_FOLLOW_UP_WINDOW_DAYS = env.int("SCORING_FOLLOW_UP_WINDOW_DAYS", 90, minimum=1)
SCORING_HALF_LIFE_DAYS = env.int("SCORING_HALF_LIFE_DAYS", 180, minimum=1)
SCORING_PRIOR_STRENGTH = env.int("SCORING_PRIOR_STRENGTH", 8, minimum=1)
SCORING_ACCOUNT_CAP = env.int("SCORING_ACCOUNT_CAP", 3, minimum=1)
SCORING_MIN_ENGAGEMENTS = env.int("SCORING_MIN_ENGAGEMENTS", 5, minimum=1)
# Agencies per full-recompute shard: each shard is one job, so more workers share the night.
SCORING_SHARD_SIZE = env.int("SCORING_SHARD_SIZE", 500, minimum=1)
# Changes to one agency within this many seconds are scored by one recompute.
SCORING_DEBOUNCE_SECONDS = env.int("SCORING_DEBOUNCE_SECONDS", 5, minimum=0)

# --- Rate limits (per account and hour, counted in the cache; agencyrank/ratelimits.py) ----

# Generous for a person logging their own history, tight enough to stop a script.
RATE_LIMITS_PER_HOUR = {
    "agency_create": env.int("RATE_LIMIT_AGENCIES_PER_HOUR", 10, minimum=1),
    "engagement_create": env.int("RATE_LIMIT_ENGAGEMENTS_PER_HOUR", 30, minimum=1),
    "event_create": env.int("RATE_LIMIT_EVENTS_PER_HOUR", 200, minimum=1),
    "review_submit": env.int("RATE_LIMIT_REVIEWS_PER_HOUR", 20, minimum=1),
    # Setting, changing or removing a verdict on an agency in one's own lists.
    "agency_mark": env.int("RATE_LIMIT_AGENCY_MARKS_PER_HOUR", 120, minimum=1),
    # Reports of reviews and agency replies: a person rarely needs more than a few.
    "report_create": env.int("RATE_LIMIT_REPORTS_PER_HOUR", 10, minimum=1),
    # A representative's replies to reviews (new ones and edits), and claims to an agency.
    "agency_reply": env.int("RATE_LIMIT_AGENCY_REPLIES_PER_HOUR", 30, minimum=1),
    "agency_claim": env.int("RATE_LIMIT_AGENCY_CLAIMS_PER_HOUR", 5, minimum=1),
}

# --- Agency representatives (agencies/claims.py, agencies/representing.py) ---------------------

# A reply can be corrected for this long after it was first posted, then it stands as written:
# long enough to fix a typo or a tone regretted overnight, short enough that readers and
# moderators are not judging a moving text.
AGENCY_REPLY_EDIT_HOURS = env.int("AGENCY_REPLY_EDIT_HOURS", 48, minimum=0)

# --- Moderation: risk checks on arrival (reviews/screening.py) --------------------------------

# An account younger than this is "new": most genuine candidates log within days of joining,
# so this alone is only a low-risk signal, but it defines who counts towards a burst.
MODERATION_NEW_ACCOUNT_DAYS = env.int("MODERATION_NEW_ACCOUNT_DAYS", 7, minimum=1)
# A burst: this many engagements with one agency from new accounts within the window. Ten a
# day is far above what a genuine agency sees from brand-new accounts, and far below what a
# brigade needs to move a score that is shrunk toward the platform rate. Each account counts
# for at most SCORING_ACCOUNT_CAP of them, so one new candidate importing a long history is
# not a burst.
MODERATION_BURST_ENGAGEMENTS = env.int("MODERATION_BURST_ENGAGEMENTS", 10, minimum=2)
MODERATION_BURST_WINDOW_HOURS = env.int("MODERATION_BURST_WINDOW_HOURS", 24, minimum=1)
# Two reviews of one agency sharing this share (in %) of their character 5-grams are near
# duplicates; the newest this many reviews of the agency are compared.
MODERATION_DUPLICATE_PERCENT = env.int("MODERATION_DUPLICATE_PERCENT", 80, minimum=1)
MODERATION_DUPLICATE_LOOKBACK = env.int("MODERATION_DUPLICATE_LOOKBACK", 100, minimum=1)
# Where replies to moderation e-mails go: an author appeals a decision by replying.
MODERATION_REPLY_TO = env.str("MODERATION_REPLY_TO", "moderation@agencyrank.localhost")

# --- Public API (agencies/api.py) ------------------------------------------------------------

API_ANON_RATE = env.str("API_ANON_RATE", "60/minute")
if not re.fullmatch(r"[1-9][0-9]*/(second|minute|hour|day)", API_ANON_RATE):
    raise ImproperlyConfigured(
        f"API_ANON_RATE must look like 60/minute (per second, minute, hour or day); "
        f"got {API_ANON_RATE!r}."
    )
# Read-only and anonymous: no authentication at all, so there is no session or CSRF to
# think about and every client is throttled by address alike. JSON only: the browsable
# renderer's inline code would break the site's CSP.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["agencies.api_throttling.AnonymousThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": API_ANON_RATE},
    "NUM_PROXIES": ALLAUTH_TRUSTED_PROXY_COUNT,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AgencyRank API",
    "DESCRIPTION": "Read-only responsiveness scores of recruitment agencies.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the vendored sidecar package: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Accounts -----------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[AgencyRank] "
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Failed sign-ins (a wrong password, or a wrong two-factor code) are limited per client
# address and per account. Ten a minute from one address lets a person mistype a few times
# on a shared office network; five per account in five minutes stops guessing at one
# account from many addresses. Beyond either the form refuses, even with the right
# password, until the window passes; a success does not reset the count. Apart from
# failures, more than thirty sign-in posts a minute from one address get a 429 page. The
# Django admin signs in through this same form (accounts/admin.py). Counted in the cache:
# set REDIS_URL when several processes serve the site.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
}

# Two-factor authentication: an authenticator app (TOTP) with recovery codes, open to every
# account and required of staff before any staff page (accounts/middleware.py).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "AgencyRank"

# --- E-mail -------------------------------------------------------------------------------

MAILERS = {"default": mailer_from_url("EMAIL_URL", env.str("EMAIL_URL", "console://"))}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "AgencyRank <no-reply@agencyrank.localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- Languages ----------------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- Static files -------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Outside production whitenoise serves straight from the source folders, so pages work
# without collectstatic (runserver, tests with a live server).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# --- Security -----------------------------------------------------------------------------

# No inline script or style anywhere: everything the pages need is served from 'self'.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", True)
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    if env.bool("SECURE_PROXY_SSL_HEADER", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # /healthz is probed over plain HTTP from inside the compose network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    # Subdomains included: a plain-HTTP subdomain could plant cookies that the site then
    # trusts, and the site has nothing to serve over HTTP. The policy covers only names
    # under the site's own host (agencyrank.example.com covers *.agencyrank.example.com,
    # never example.com). Preload needs the same, and protects even the very first visit.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# --- Logging ------------------------------------------------------------------------------

LOG_LEVEL = env.str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL; got {LOG_LEVEL!r}."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
