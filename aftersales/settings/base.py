"""Settings read from environment variables, with defaults that are safe for a developer's machine.

Production overrides live in ``production.py``; see ``docs/deploy.md``.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_pairs(name: str) -> list[tuple[str, str]]:
    """``name=value,name=value`` → pairs (values may contain ``=``)."""
    return [tuple(item.split("=", 1)) for item in env_list(name) if "=" in item]  # type: ignore[misc]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The project's apps come first: for a msgid that two catalogues translate, Django takes the app listed
# first, and Django's own apps (admin: "Filter" 过滤器, "Add" 增加, "Show all" 显示全部 …) must not
# replace the words our screens chose (tests/test_translations.py checks that none is shadowed).
INSTALLED_APPS = [
    "aftersales.core",
    "aftersales.accounts",
    "aftersales.history",
    "aftersales.notifications",
    "aftersales.customers",
    "aftersales.catalog",
    "aftersales.installed_base",
    "aftersales.coverage",
    "aftersales.calendars",
    "aftersales.service",
    "aftersales.pay",
    "aftersales.money",
    "aftersales.workforce",
    "aftersales.devices",
    "aftersales.parts",
    "aftersales.care",
    "aftersales.contracts",
    "aftersales.quality",
    "aftersales.portal",
    "aftersales.repurchase",
    "aftersales.reports",
    "aftersales.console",
    "aftersales.exchange",
    "aftersales.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "ninja",
]

MIDDLEWARE = [
    # Outermost: Cache-Control: no-store on every API answer and everything a signed-in user sees,
    # the JSON error pages made by the next one included (docs/security.md "Sessions").
    "aftersales.core.sessions.NoStoreMiddleware",
    # First: sees every answer, and turns the framework's own error pages under /api/ into JSON.
    "aftersales.core.http_errors.ApiErrorShapeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A session idle for SESSION_IDLE_MINUTES or older than SESSION_MAX_HOURS is ended here.
    "aftersales.core.sessions.SessionTimeoutMiddleware",
    "aftersales.core.middleware.UserLanguageMiddleware",
    # After the language is known (its messages are translated); API requests only: the body's type, NULs.
    "aftersales.core.http_errors.ApiInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "aftersales.urls"
WSGI_APPLICATION = "aftersales.wsgi.application"

# E-mail leaves through Django's mailers (the outbox's e-mail channel, channels.EmailBackend, when
# AFTERSALES_EMAIL_BACKEND selects it): one SMTP server, from the environment (docs/deploy.md).
_smtp_security = os.environ.get("AFTERSALES_SMTP_SECURITY", "none").strip().lower()
if _smtp_security not in {"none", "starttls", "ssl"}:
    raise ImproperlyConfigured(f"AFTERSALES_SMTP_SECURITY must be none, starttls or ssl, not {_smtp_security!r}")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("AFTERSALES_SMTP_HOST", "localhost"),
            "port": int(
                os.environ.get("AFTERSALES_SMTP_PORT", {"ssl": "465", "starttls": "587"}.get(_smtp_security, "25"))
            ),
            "username": os.environ.get("AFTERSALES_SMTP_USER", ""),
            "password": os.environ.get("AFTERSALES_SMTP_PASSWORD", ""),
            "use_tls": _smtp_security == "starttls",
            "use_ssl": _smtp_security == "ssl",
            "timeout": float(os.environ.get("AFTERSALES_SMTP_TIMEOUT", "10")),
        },
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("AFTERSALES_MAIL_FROM", "aftersales@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "aftersales" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aftersales.accounts.context_processors.branding",
            ],
        },
    },
]


SESSION_OPTIONS = "-c jit=off -c plan_cache_mode=force_generic_plan"
POSTGRESQL_ENGINE = "aftersales.core.backends.postgresql"


def database_settings(url: str) -> dict:
    """One DATABASES entry for ``url``, with the timeouts that keep a database that is down from
    holding a worker (docs/deploy.md "When a service is down")."""
    database = dj_database_url.parse(
        url, conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")), conn_health_checks=True
    )
    if database["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend, with a health check that needs no round trip on a quiet connection.
        database["ENGINE"] = POSTGRESQL_ENGINE
        # Without it a server that accepts and never answers holds the connecting process for ever
        # (a worker at boot, /healthz). libpq's minimum is 2 s.
        options = database.setdefault("OPTIONS", {})
        options.setdefault("connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "2")))
        # A connection already open when the server freezes (or the network drops it) is bounded too:
        # TCP keepalives notice a silent peer, and tcp_user_timeout (ms) fails a write the server never
        # acknowledges, instead of the kernel's ~15 minutes of retransmissions.
        options.setdefault("keepalives", 1)
        options.setdefault("keepalives_idle", int(os.environ.get("DATABASE_KEEPALIVES_IDLE", "30")))
        options.setdefault("keepalives_interval", int(os.environ.get("DATABASE_KEEPALIVES_INTERVAL", "10")))
        options.setdefault("keepalives_count", int(os.environ.get("DATABASE_KEEPALIVES_COUNT", "3")))
        options.setdefault("tcp_user_timeout", int(os.environ.get("DATABASE_TCP_USER_TIMEOUT_MS", "30000")))
        # The hot reads (order list, bearer token, a create's unit) run as prepared statements
        # (core/prepared.py); the rest of the ORM binds on the client and never prepares. 0 turns it off
        # (an old pooler).
        if env_bool("DATABASE_PREPARED_STATEMENTS", True):
            options.setdefault("prepare_threshold", 5)
        # Session settings sent at connect (no statement of their own). JIT off by default: it compiled
        # the report statements for longer than they ran (1.2 s of JIT for a 0.8 s first-time-fix
        # statement at 1,000,000 orders, benchmarks/README.md "Reports"). Generic plans for the prepared
        # hot reads: PostgreSQL otherwise plans the SLA list again on every request (its "now" makes each
        # custom plan look cheaper) for the same plan; a read whose plan depends on its values is not
        # prepared (core/prepared.py, service/api.py). Only prepared statements are affected. Empty sends none (a pooler
        # that refuses the "options" startup parameter).
        session_options = os.environ.get("DATABASE_SESSION_OPTIONS", SESSION_OPTIONS)
        if session_options:
            options.setdefault("options", session_options)
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN,
        # so two concurrent writers queue instead of failing half-way with "database is locked".
        database["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        # Kept open between requests like PostgreSQL's (DATABASE_CONN_MAX_AGE): opening the file and
        # running the pragmas on every request was most of a request's time (GET /api/v1/me 2.9 -> 0.5 ms,
        # creates 194 -> 469/s at 1,000,000 orders, benchmarks/README.md). A file has no server to
        # lose, so no health check.
        database["CONN_HEALTH_CHECKS"] = False
    return database


# An index's INCLUDE columns (PostgreSQL's index-only reads, service's order_unit_received_idx) are
# left out on SQLite, where the index still serves its key columns.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

DATABASES = {"default": database_settings(os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # The demo password and the product's and company's names (docs/security.md "Passwords").
    {"NAME": "aftersales.accounts.validators.ContextWordsValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# django-filter's empty choice: "All" like the console's other filters, not "---------".
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("All")
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "aftersales" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("AFTERSALES_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Redis down never fails a request: every call has a short timeout and, after a failure, the process
# uses its own memory for a while (aftersales/core/cache.py; docs/deploy.md "When a service is down").
CACHE_TIMEOUT = float(os.environ.get("AFTERSALES_CACHE_TIMEOUT", "0.3"))
CACHES = {
    "default": (
        {
            "BACKEND": "aftersales.core.cache.ResilientRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "OPTIONS": {"socket_connect_timeout": CACHE_TIMEOUT, "socket_timeout": CACHE_TIMEOUT},
        }
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or "memory://"
# Without a broker (the embedded default) tasks run inline, after the transaction commits.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", CELERY_BROKER_URL == "memory://")
CELERY_TIMEZONE = TIME_ZONE
# Requests publish over their own short-lived connection with AFTERSALES["BROKER_PUBLISH_TIMEOUT"]
# (aftersales/core/broker.py): a broker that refuses or never answers never holds a request. These are
# the workers' and beat's connections: bounded too (a frozen broker is noticed), but longer than the
# 1 s BRPOP a worker blocks on.
CELERY_BROKER_CONNECTION_TIMEOUT = 4.0
# visibility_timeout: a task taken by a worker that then vanished (acks_late: the background import) is
# delivered again after it; longer than any import runs, shorter than the upload sweep's 2 h.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 4.0, "socket_timeout": 10.0, "visibility_timeout": 3600}
# With acks_late a worker holds only the task it runs, so a killed worker leaves no other taken task behind.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Periodic jobs (`celery -A aftersales beat`); each is a thin task in <app>/tasks.py.
CELERY_BEAT_SCHEDULE = {
    "prune-idempotency-keys": {
        "task": "aftersales.core.tasks.prune_idempotency",
        "schedule": crontab(hour=3, minute=17),
    },
    "sweep-import-uploads": {
        "task": "aftersales.exchange.tasks.sweep_import_uploads",
        "schedule": crontab(minute=41),
    },
    "relay-outbox": {
        "task": "aftersales.notifications.tasks.relay_outbox",
        "schedule": float(os.environ.get("AFTERSALES_OUTBOX_SWEEP_SECONDS", "30")),
    },
    # Registered as a periodic job too (core.registry.periodic_jobs), which the embedded relay loop runs.
    # Registered as a periodic job too (money's apps.py): returns to the factory due a chase.
    "money-chase-factory": {
        "task": "aftersales.money.tasks.chase_factory",
        "schedule": crontab(minute=23),
    },
    # Registered as a periodic job too (money's apps.py): reminders of overdue invoices.
    "money-remind-receivables": {
        "task": "aftersales.money.tasks.remind_receivables",
        "schedule": crontab(minute=29),
    },
    # Registered as a periodic job too (money's apps.py): purchases waiting for a pick-up notice.
    "money-chase-logistics": {
        "task": "aftersales.money.tasks.chase_logistics",
        "schedule": crontab(minute=35),
    },
    "sla-sweep": {
        "task": "aftersales.service.tasks.sweep_sla",
        "schedule": float(os.environ.get("AFTERSALES_SLA_SWEEP_SECONDS", "60")),
    },
    # Connected equipment's periodic jobs (registered in aftersales/devices/registrations.py too).
    "devices-link-sweep": {
        "task": "aftersales.devices.tasks.sweep_links",
        "schedule": float(os.environ.get("AFTERSALES_DEVICES_LINK_SWEEP_SECONDS", "60")),
    },
    "devices-partitions": {
        "task": "aftersales.devices.tasks.maintain_partitions",
        "schedule": crontab(hour=2, minute=23),
    },
    # Complaints unresolved in time go up a level (care; also a periodic job of the relay loop).
    "care-escalate-complaints": {
        "task": "aftersales.care.tasks.escalate_complaints",
        "schedule": float(os.environ.get("AFTERSALES_CARE_ESCALATION_SWEEP_SECONDS", "300")),
    },
    # Campaign letters not posted by their due day: the announcer and the centre's managers are told once.
    "care-late-letters": {
        "task": "aftersales.care.tasks.remind_late_letters",
        "schedule": float(os.environ.get("AFTERSALES_CARE_LATE_LETTERS_SWEEP_SECONDS", "3600")),
    },
    # Scheduled periodic reports e-mailed once their period has ended (reports; also a periodic job).
    "reports-send-scheduled": {
        "task": "aftersales.reports.tasks.send_scheduled_reports",
        "schedule": float(os.environ.get("AFTERSALES_REPORTS_SEND_SECONDS", "3600")),
    },
    # The dashboards read recently recomputed before their kept copy runs out (reports; also a periodic job).
    "reports-refresh-dashboards": {
        "task": "aftersales.reports.tasks.refresh_dashboards",
        "schedule": float(os.environ.get("AFTERSALES_REPORTS_REFRESH_SECONDS", "600")),
    },
    # The failure statistics read recently recomputed likewise (quality; also a periodic job).
    "quality-refresh-failures": {
        "task": "aftersales.quality.tasks.refresh_failures",
        "schedule": float(os.environ.get("AFTERSALES_REPORTS_REFRESH_SECONDS", "600")),
    },
    # Contract visits generated, their orders opened ahead, the missed marked (also a periodic job).
    "contracts-visits": {
        "task": "aftersales.contracts.tasks.sweep_visits",
        "schedule": float(os.environ.get("AFTERSALES_CONTRACT_VISIT_SWEEP_SECONDS", "3600")),
    },
    # Repurchase deadlines coming up (repurchase; also a periodic job of the relay loop).
    "repurchase-remind-deadlines": {
        "task": "aftersales.repurchase.tasks.remind_deadlines",
        "schedule": crontab(hour=8, minute=7),
    },
}

# Content Security Policy: the app serves every asset itself, so nothing outside 'self' is allowed.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions (ASVS 5.0 V7.1.1, V7.3.1, V7.3.2; NIST SP 800-63B AAL2): re-authentication after 30 minutes
# without a request and 12 hours (a working day) after sign-in, whatever the activity
# (aftersales/core/sessions.py). The stored session and its cookie expire at the same 12 hours.
SESSION_IDLE_MINUTES = int(os.environ.get("AFTERSALES_SESSION_IDLE_MINUTES", "30"))
SESSION_MAX_HOURS = int(os.environ.get("AFTERSALES_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600

DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- AfterSales settings -----------------------------------------------------------------------
AFTERSALES = {
    "COMPANY_NAME": os.environ.get("AFTERSALES_COMPANY_NAME", "示例设备有限公司"),
    "COMPANY_LOGO": os.environ.get("AFTERSALES_COMPANY_LOGO", "img/logo.svg"),
    # Business hours for working-day due times (domain.md "Field staff": 9:00-17:30, §12).
    "BUSINESS_DAY_START": os.environ.get("AFTERSALES_BUSINESS_DAY_START", "09:00"),
    "BUSINESS_DAY_END": os.environ.get("AFTERSALES_BUSINESS_DAY_END", "17:30"),
    "REOPEN_WITHIN_DAYS": int(os.environ.get("AFTERSALES_REOPEN_WITHIN_DAYS", "30")),
    # How far back a call may be entered (received_at); older ones are refused as a likely typo.
    "RECEIVED_WITHIN_DAYS": int(os.environ.get("AFTERSALES_RECEIVED_WITHIN_DAYS", "90")),
    # A purchase or installation date further back is a mistyped year (400 date_too_old).
    "DATES_WITHIN_YEARS": int(os.environ.get("AFTERSALES_DATES_WITHIN_YEARS", "50")),
    # A stand-in may be arranged at most this many days ahead (its last day; 400 invalid_dates).
    "STAND_IN_MAX_DAYS_AHEAD": int(os.environ.get("AFTERSALES_STAND_IN_MAX_DAYS_AHEAD", "366")),
    "PHOTO_MAX_BYTES": int(os.environ.get("AFTERSALES_PHOTO_MAX_BYTES", str(5 * 1024 * 1024))),
    # Upload quotas (docs/security.md): photos on one order, and photos one user adds in 24 hours.
    "PHOTOS_PER_ORDER": int(os.environ.get("AFTERSALES_PHOTOS_PER_ORDER", "50")),
    "PHOTOS_PER_USER_PER_DAY": int(os.environ.get("AFTERSALES_PHOTOS_PER_USER_PER_DAY", "300")),
    "DEFAULT_PHONE_REGION": "CN",
    # Report dashboards and failure statistics (aftersales/core/kept.py): a screen's figures are kept this long (0: always
    # computed), recomputed every REPORTS_REFRESH_SECONDS while read within REPORTS_RECENT_SECONDS.
    "REPORTS_KEEP_SECONDS": int(os.environ.get("AFTERSALES_REPORTS_KEEP_SECONDS", "900")),
    "REPORTS_REFRESH_SECONDS": int(os.environ.get("AFTERSALES_REPORTS_REFRESH_SECONDS", "600")),
    "REPORTS_RECENT_SECONDS": int(os.environ.get("AFTERSALES_REPORTS_RECENT_SECONDS", str(8 * 3600))),
    # The parts and labour price list (明码标价, docs/parts.md): "public" (anyone, no sign-in) or
    # "signed_in" (signed-in users only: customers once the portal exists, and staff).
    "PRICE_LIST_VISIBILITY": os.environ.get("AFTERSALES_PRICE_LIST_VISIBILITY", "public"),
    # Sign-in throttling (aftersales/accounts/throttle.py, docs/security.md "Sign-in"): free failures per
    # (account, address), per address and per account; past each, a back-off from LOGIN_BACKOFF_SECONDS
    # doubling up to LOGIN_LOCK_SECONDS; counters forgotten a window after their last failure.
    "LOGIN_MAX_ATTEMPTS": int(os.environ.get("AFTERSALES_LOGIN_MAX_ATTEMPTS", "5")),
    "LOGIN_MAX_ATTEMPTS_PER_ADDRESS": int(os.environ.get("AFTERSALES_LOGIN_MAX_ATTEMPTS_PER_ADDRESS", "100")),
    "LOGIN_MAX_ATTEMPTS_PER_ACCOUNT": int(os.environ.get("AFTERSALES_LOGIN_MAX_ATTEMPTS_PER_ACCOUNT", "100")),
    "LOGIN_BACKOFF_SECONDS": int(os.environ.get("AFTERSALES_LOGIN_BACKOFF_SECONDS", "60")),
    "LOGIN_LOCK_SECONDS": int(os.environ.get("AFTERSALES_LOGIN_LOCK_SECONDS", "900")),
    "LOGIN_FAILURE_WINDOW_SECONDS": int(os.environ.get("AFTERSALES_LOGIN_FAILURE_WINDOW_SECONDS", "3600")),
    # An account that signed in from an address is "known" there this long: the per-address and
    # per-account limits do not apply to it from that address.
    "LOGIN_KNOWN_ADDRESS_DAYS": int(os.environ.get("AFTERSALES_LOGIN_KNOWN_ADDRESS_DAYS", "30")),
    "DEMO_PASSWORD": "aftersales-demo",
    # The public address of the site (https://service.example.com): the links sent by SMS (a quote's) start with it.
    "SITE_URL": os.environ.get("AFTERSALES_SITE_URL", ""),
    # /api/v1/docs and /api/v1/openapi.json without signing in: only when meant (docs/security.md).
    "API_DOCS_PUBLIC": env_bool("AFTERSALES_API_DOCS_PUBLIC", DEBUG),
    "SESSION_IDLE_MINUTES": SESSION_IDLE_MINUTES,
    "SESSION_MAX_HOURS": SESSION_MAX_HOURS,
    # The console backend writes a message's text to the log only when asked (make run does, for the demo's
    # portal codes) or with DEBUG: a customer's message is personal data.
    "CONSOLE_MESSAGES_IN_FULL": env_bool("AFTERSALES_CONSOLE_MESSAGES_IN_FULL", DEBUG),
    # One backend per channel (aftersales/notifications/channels.py); console = written to the log.
    "NOTIFICATION_BACKENDS": {
        "in_app": "aftersales.notifications.channels.InAppBackend",
        "sms": os.environ.get("AFTERSALES_SMS_BACKEND", "aftersales.notifications.channels.ConsoleBackend"),
        "email": os.environ.get("AFTERSALES_EMAIL_BACKEND", "aftersales.notifications.channels.ConsoleBackend"),
        "wecom": os.environ.get("AFTERSALES_WECOM_BACKEND", "aftersales.notifications.channels.ConsoleBackend"),
        "dingtalk": os.environ.get("AFTERSALES_DINGTALK_BACKEND", "aftersales.notifications.channels.ConsoleBackend"),
    },
    "SMS_GATEWAY_URL": os.environ.get("AFTERSALES_SMS_GATEWAY_URL", ""),
    "SMS_GATEWAY_TOKEN": os.environ.get("AFTERSALES_SMS_GATEWAY_TOKEN", ""),
    # SMS to customers written in these hours (local time, TIME_ZONE) wait in the outbox until they end
    # (notifications/customer_sms.py); empty: sent at any hour. Staff's notices and SMS are never held.
    "SMS_QUIET_HOURS": os.environ.get("AFTERSALES_SMS_QUIET_HOURS", "21:00-08:00"),
    # Group robots by name: AFTERSALES_WECOM_ROBOTS="ops=https://qyapi…/send?key=…",
    # AFTERSALES_DINGTALK_ROBOTS="ops=https://oapi…/robot/send?access_token=…|SEC…" (secret when signed).
    "ROBOTS": {
        "wecom": {name: {"url": url} for name, url in env_pairs("AFTERSALES_WECOM_ROBOTS")},
        "dingtalk": {
            name: dict(zip(("url", "secret"), value.split("|", 1), strict=False))
            for name, value in env_pairs("AFTERSALES_DINGTALK_ROBOTS")
        },
    },
    # Longest a request waits on the Celery broker when it publishes a task after commit (connect and
    # each read); past it the request goes on and the periodic sweep publishes later (deploy.md).
    "BROKER_PUBLISH_TIMEOUT": float(os.environ.get("AFTERSALES_BROKER_PUBLISH_TIMEOUT", "0.5")),
    "NOTIFICATION_HTTP_TIMEOUT": float(os.environ.get("AFTERSALES_NOTIFICATION_HTTP_TIMEOUT", "5")),
    # Delivery attempts per message, and the back-off: base, 2×base, 4×base … seconds, capped.
    "OUTBOX_MAX_ATTEMPTS": int(os.environ.get("AFTERSALES_OUTBOX_MAX_ATTEMPTS", "6")),
    # The SLA sweep (service/services/sla_alerts.py): how often, and how many single-order notices a
    # person gets from one sweep before the rest are summed up in one notice.
    "SLA_SWEEP_SECONDS": float(os.environ.get("AFTERSALES_SLA_SWEEP_SECONDS", "60")),
    "SLA_ALERTS_PER_RECIPIENT": int(os.environ.get("AFTERSALES_SLA_ALERTS_PER_RECIPIENT", "20")),
    "OUTBOX_RETRY_BASE_SECONDS": int(os.environ.get("AFTERSALES_OUTBOX_RETRY_BASE_SECONDS", "60")),
    "OUTBOX_RETRY_MAX_SECONDS": int(os.environ.get("AFTERSALES_OUTBOX_RETRY_MAX_SECONDS", str(6 * 3600))),
    "API_PAGE_SIZE": 25,
    "API_MAX_PAGE_SIZE": 200,
    # API tokens expire this many days after they are issued (0: never); a user keeps at most this many.
    "API_TOKEN_DAYS": int(os.environ.get("AFTERSALES_API_TOKEN_DAYS", "90")),
    "API_TOKENS_PER_USER": int(os.environ.get("AFTERSALES_API_TOKENS_PER_USER", "10")),
    # An Idempotency-Key is remembered this long, then forgotten and pruned (manage.py prune_idempotency).
    "IDEMPOTENCY_KEEP_HOURS": int(os.environ.get("AFTERSALES_IDEMPOTENCY_KEEP_HOURS", "72")),
    # How many reverse proxies (nginx, load balancer) stand in front of the app: the client's address
    # for login throttling is read from X-Forwarded-For that many hops back. 0 = use REMOTE_ADDR.
    "TRUSTED_PROXY_COUNT": int(os.environ.get("AFTERSALES_TRUSTED_PROXY_COUNT", "0")),
}

# Everything goes to stderr (the service manager or container runtime collects it). AFTERSALES_LOG_FORMAT:
# "json" (one object per line, aftersales/core/logformat.py; production's default) or "plain".
# django.request logs every 5xx with its traceback, which is the only record of it with DEBUG off.
LOG_FORMAT = os.environ.get("AFTERSALES_LOG_FORMAT", "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "aftersales.core.logformat.JsonFormatter"},
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "aftersales": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}

# Connected equipment (aftersales/devices, docs/devices.md).
DEVICES = {
    # The MQTT broker the consumer (manage.py consume_device_messages) subscribes to; empty: no broker,
    # devices post to /api/v1/device-messages only.
    "MQTT_URL": os.environ.get("AFTERSALES_MQTT_URL", ""),
    "MQTT_TOPIC": os.environ.get("AFTERSALES_MQTT_TOPIC", "aftersales/devices/+/messages"),
    # Consumers that share this group split the messages between them ($share/<group>/<topic>).
    "MQTT_SHARE_GROUP": os.environ.get("AFTERSALES_MQTT_SHARE_GROUP", "aftersales"),
    "MQTT_CLIENT_ID": os.environ.get("AFTERSALES_MQTT_CLIENT_ID", "aftersales-consumer"),
    # Months of samples kept (older partitions dropped) and months of partitions created ahead.
    "RETENTION_MONTHS": int(os.environ.get("AFTERSALES_DEVICES_RETENTION_MONTHS", "13")),
    "PARTITIONS_AHEAD": int(os.environ.get("AFTERSALES_DEVICES_PARTITIONS_AHEAD", "2")),
    # A message stamped further ahead than this is quarantined (future_timestamp).
    "MAX_FUTURE_SECONDS": int(os.environ.get("AFTERSALES_DEVICES_MAX_FUTURE_SECONDS", "300")),
    # Messages one device may send per minute; the rest are quarantined as one rate_limited row.
    "RATE_PER_MINUTE": int(os.environ.get("AFTERSALES_DEVICES_RATE_PER_MINUTE", "600")),
    # Messages one HTTP request may carry.
    "HTTP_BATCH_MAX": int(os.environ.get("AFTERSALES_DEVICES_HTTP_BATCH_MAX", "1000")),
    # A device not heard from for this many minutes has lost its link (an alert to its centre).
    "LINK_LOST_MINUTES": int(os.environ.get("AFTERSALES_DEVICES_LINK_LOST_MINUTES", "15")),
    "LINK_SWEEP_SECONDS": int(os.environ.get("AFTERSALES_DEVICES_LINK_SWEEP_SECONDS", "60")),
    # Map tiles ({z}/{x}/{y} URL, e.g. an intranet tile server); empty: the bundled plain vector base.
    "TILE_URL": os.environ.get("AFTERSALES_DEVICES_TILE_URL", ""),
    "TILE_ATTRIBUTION": os.environ.get("AFTERSALES_DEVICES_TILE_ATTRIBUTION", ""),
}
if DEVICES["TILE_URL"]:  # the map screens load its tiles: allow its origin for images, nothing else
    from urllib.parse import urlsplit as _urlsplit

    _tiles = _urlsplit(DEVICES["TILE_URL"])
    SECURE_CSP["img-src"] = [*SECURE_CSP["img-src"], f"{_tiles.scheme}://{_tiles.netloc}"]
