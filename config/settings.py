"""Settings for the Section 55 Tracker. Every deployment difference is an environment variable."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_networks, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# Without DEBUG the key must come from the environment. Commands that sign nothing (makemigrations, migrate, check)
# run without it; the web server refuses to start (config/wsgi.py) and Django refuses to sign with an empty key.
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # Django's widget templates, for FORM_RENDERER reading the project's templates
    "audit",  # before "auditlog": its refusing `auditlogflush` must shadow django-auditlog's
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_q",
    "pgtrigger",
    "accounts",
    "inspections",
    "responses",
    "notifications",
    "actions",
    "forcecomments",
    "intake",
    "exports",
    "reports",
    "office",
    "demo",
    "core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): has this session passed a second factor
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Before the first middleware that looks anything up (the audit trail's actor: the session), after those that
    # put security headers on every response, its 400 included.
    "config.middleware.RejectNulMiddleware",
    "config.middleware.PrivateNoStoreMiddleware",  # inside the one above: it reads the session for each response
    "config.middleware.AuditlogMiddleware",  # django-auditlog's, with the client's address as axes reads it
    "axes.middleware.AxesMiddleware",
    "accounts.two_factor.TwoFactorMiddleware",  # after OTPMiddleware: the code page before any other (docs/sign-in.md)
    "config.middleware.DatabaseUnavailableMiddleware",  # last: the first to see a view's exception
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
                "django.template.context_processors.csp",
                "accounts.context_processors.body",
            ],
        },
    },
]
# Every form field through the GOV.UK form group (templates/includes/field.html): `{{ field.as_field_group }}`.
FORM_RENDERER = "core.forms.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler spends seconds compiling any query the planner thinks is large (an export over every
    # response; docs/bench.md has the figures) and buys nothing for this app's short queries. Off for our connections;
    # `?options=...` in DATABASE_URL still adds its own settings after it.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"-c jit=off {_options.get('options', '')}".strip()
    # Parameters bound by the server, and a query run 5 times on a connection becomes a prepared statement: the
    # dashboard's and the response page's queries are then planned once per connection, not on every request
    # (docs/bench.md). Needs persistent connections (DATABASE_CONN_MAX_AGE) to
    # pay off. Behind PgBouncer in transaction mode without max_prepared_statements, set DATABASE_PREPARE_THRESHOLD=0.
    _options.setdefault("server_side_binding", env_bool("DATABASE_SERVER_SIDE_BINDING", True))
    _options.setdefault("prepare_threshold", env_int("DATABASE_PREPARE_THRESHOLD", 5) or None)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "accounts.sso.SsoBackend",  # OpenID Connect sign-in; answers only the SSO callback, and only when configured
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = None
CSRF_FAILURE_VIEW = "config.views.csrf_failure"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Sessions, cookies and transport security -------------------------------------------------
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE = env_bool("SECURE", not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

from django.utils.csp import CSP

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Login throttling (django-axes) --------------------------------------------------------------
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"  # the template above, saying when the lockout ends
# Proxies trusted to say who the client is in X-Forwarded-For (addresses or CIDR ranges; `*` trusts any peer for one
# hop). The same variable, with the same default, tells gunicorn (config/gunicorn.py) whose X-Forwarded-* to believe.
FORWARDED_ALLOW_IPS = env_networks("FORWARDED_ALLOW_IPS", "127.0.0.1")
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip_address"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_VERBOSE = False

# --- Two-factor sign-in (django-otp) and single sign-on (OpenID Connect), docs/sign-in.md ----------
# After a password, admins, approvers and superusers must enter a code from an authenticator app (and are sent to set
# one up); others may choose to. Off only for development and the test suite (`check --deploy` warns: accounts.W001).
TWO_FACTOR_ENFORCED = env_bool("TWO_FACTOR_ENFORCED", True)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Section 55 Tracker")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the Django admin's device pages never show a device's secret key
# Single sign-on is on when a client id, its secret and the provider (its issuer, or every endpoint) are set.
SSO_PROVIDER_NAME = env_str("SSO_PROVIDER_NAME", "Microsoft")
OIDC_ISSUER = env_str("OIDC_ISSUER").rstrip("/")
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
# Read from the issuer's /.well-known/openid-configuration when not set.
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
OIDC_CREATE_USER = False  # accounts.sso decides who may join, and as what
# django-axes counts password guesses, not single sign-ons refused by the provider's answer (accounts.sso.axes_exempt).
AXES_WHITELIST_CALLABLE = "accounts.sso.axes_exempt"

# --- Audit trail (django-auditlog, stored in our own append-only model) -----------------------
AUDITLOG_LOGENTRY_MODEL = "audit.AuditEntry"
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_DISABLE_REMOTE_ADDR = False
# AuditEntry replaces auditlog.LogEntry (swapped), but django-auditlog's migrations would still create its unused
# table, whose foreign keys make PostgreSQL refuse to TRUNCATE users and content types (Django's test flush).
MIGRATION_MODULES = {"auditlog": None}

# --- Email -------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Section 55 Tracker <s55-tracker@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_EMAIL_HOST = env_str("EMAIL_HOST")
# Files for development (DEBUG) or when asked (MAIL_TO_FILES=1); otherwise SMTP to EMAIL_HOST or a local relay —
# `check --deploy` rejects the file backend (notifications.E001). One complete file per message, written atomically.
if _EMAIL_HOST or not env_bool("MAIL_TO_FILES", DEBUG):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _EMAIL_HOST or "localhost",
                "port": env_int("EMAIL_PORT", 587 if _EMAIL_HOST else 25),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "timeout": env_int("EMAIL_TIMEOUT", 20),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "notifications.mail_backends.AtomicFileEmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }

# --- Background work ---------------------------------------------------------------------------
TASKS_BACKEND = env_str("TASKS_BACKEND", "django_q")
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
_TASK_BACKENDS = {
    "django_q": "core.task_backends.DjangoQBackend",
    "celery": "core.task_backends.CeleryBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}; got {TASKS_BACKEND!r}.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}

Q_CLUSTER = {
    "name": "s55",
    "orm": "default",
    "workers": env_int("Q_WORKERS", 2),
    "timeout": 300,
    "retry": 360,
    "max_attempts": 3,
    "catch_up": False,
    "save_limit": 500,
    "poll": 1,
}

CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE

# Exports per user: at most EXPORT_LIMIT within EXPORT_LIMIT_MINUTES, then a 429 page until the window moves on.
EXPORT_LIMIT = env_int("EXPORT_LIMIT", 30)
EXPORT_LIMIT_MINUTES = env_int("EXPORT_LIMIT_MINUTES", 10)

# --- Intake: the inspectorate's publication pages and reports (docs/importing.md) ---------------
# Publication pages are fetched over https from these hosts only, redirects included.
INTAKE_ALLOWED_HOSTS = env_list("INTAKE_ALLOWED_HOSTS", "hmicfrs.justiceinspectorates.gov.uk")
INTAKE_FETCH_TIMEOUT_SECONDS = env_int("INTAKE_FETCH_TIMEOUT_SECONDS", 10)
INTAKE_MAX_PAGE_BYTES = env_int("INTAKE_MAX_PAGE_BYTES", 5_000_000)
# A report's PDF uploaded to read its findings from.
INTAKE_MAX_REPORT_BYTES = env_int("INTAKE_MAX_REPORT_BYTES", 30_000_000)
# RSS or Atom feeds of new publications, read every INTAKE_FEED_MINUTES through the same fetcher (so their hosts
# must be in INTAKE_ALLOWED_HOSTS); more can be added in the admin. Each relevant item becomes a spotted report.
INTAKE_FEEDS = env_list("INTAKE_FEEDS")
INTAKE_FEED_MINUTES = env_int("INTAKE_FEED_MINUTES", 60)

# --- The office's own administration (docs/office.md) ------------------------------------------
# An invitation to join a body's staff works once, within this many days of being sent.
OFFICE_INVITATION_DAYS = env_int("OFFICE_INVITATION_DAYS", 7)

# --- The chief constable's comments by link (docs/force-comments.md) ---------------------------
# A link answers until this many days after the comments-due date.
FORCE_COMMENTS_LINK_DAYS = env_int("FORCE_COMMENTS_LINK_DAYS", 14)
# Rate limits of /comments/<token>/, per window: requests per client address, failed tokens per client address,
# and failed tokens per token prefix from any address.
FORCE_COMMENTS_RATE_WINDOW_SECONDS = env_int("FORCE_COMMENTS_RATE_WINDOW_SECONDS", 900)
FORCE_COMMENTS_RATE_PER_ADDRESS = env_int("FORCE_COMMENTS_RATE_PER_ADDRESS", 120)
FORCE_COMMENTS_FAILURES_PER_ADDRESS = env_int("FORCE_COMMENTS_FAILURES_PER_ADDRESS", 20)
FORCE_COMMENTS_FAILURES_PER_PREFIX = env_int("FORCE_COMMENTS_FAILURES_PER_PREFIX", 10)

# --- The domain's own knobs --------------------------------------------------------------------
# s55(4): the body sets the date by which the chief constable's comments are due.
S55_COMMENTS_DUE_DAYS = env_int("S55_COMMENTS_DUE_DAYS", 28)
# s55(6): the covering letters' addressee blocks (lines separated by "|" in the environment), and where the office
# may email a letter with the response's PDF attached; an empty address means that copy is not emailed from here
# (docs/published-record.md).
S55_LETTER_ADDRESSEES = {
    "hmicfrs": env_str(
        "S55_LETTER_HMICFRS",
        "His Majesty's Chief Inspector of Constabulary|HMICFRS|Ground Floor, 185 Dyke Road|Brighton|BN3 1TL",
    ).split("|"),
    "home_secretary": env_str(
        "S55_LETTER_HOME_SECRETARY", "The Home Secretary|Home Office|2 Marsham Street|London|SW1P 4DF"
    ).split("|"),
}
S55_COPY_TO = {
    "hmicfrs": env_str("S55_COPY_TO_HMICFRS", ""),
    "home_secretary": env_str("S55_COPY_TO_HOME_SECRETARY", ""),
}
# The bodies (their full names, separated by "|") whose public progress page, /published/progress/, shows the status
# of each recommendation of their published responses; empty, no body shows one (docs/panel-report.md).
PUBLIC_PROGRESS_BODIES = [name.strip() for name in env_str("PUBLIC_PROGRESS_BODIES", "").split("|") if name.strip()]
# The reminder sweep runs this often (minutes); reminders are planned per day, so hourly is plenty.
REMINDER_SWEEP_MINUTES = env_int("REMINDER_SWEEP_MINUTES", 15)
REMINDER_POLICY = {
    # Days before the statutory last day on which to remind.
    "before_last_day": [28, 14, 7, 3, 1, 0],
    # Once overdue: every day for this many days, then weekly until complete.
    "overdue_daily_days": 7,
    "overdue_every_days": 7,
    # The chief constable's comments-due date: days before, and weekly while overdue.
    "comments_due_before": [3, 0],
    "comments_overdue_every_days": 7,
    # After publication, each required checklist step still open: every this many days.
    "checklist_every_days": 7,
}
REMINDER_MAX_ATTEMPTS = env_int("REMINDER_MAX_ATTEMPTS", 8)
REMINDER_RETRY_BASE_SECONDS = env_int("REMINDER_RETRY_BASE_SECONDS", 300)
# A sending worker renews its claim on its outbox rows three times in this many seconds; rows whose claim is not renewed
# for this long are a stopped worker's, and another worker takes them over. Longer than one email can take to send.
OUTBOX_HEARTBEAT_SECONDS = env_int("OUTBOX_HEARTBEAT_SECONDS", 60)
if OUTBOX_HEARTBEAT_SECONDS < 30:
    raise ImproperlyConfigured(f"OUTBOX_HEARTBEAT_SECONDS must be at least 30; got {OUTBOX_HEARTBEAT_SECONDS}.")
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"expected_client_errors": {"()": "config.log_filters.ExpectedClientErrors"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint reports each step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        # Through the root's handler alone: Django's own console handler would print each record a second time.
        "django": {"handlers": [], "level": "INFO"},
        # A 403 or 404 the app means to give logs one line, without a traceback.
        "django.request": {"filters": ["expected_client_errors"]},
    },
}
