"""Production settings: everything secure, secrets from the environment, no demo passwords.

See docs/deploy.md. ``manage.py check --deploy`` is clean with these settings.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from aftersales.settings.base import *  # noqa: F403
from aftersales.settings.base import env_bool

DEBUG = False
# One JSON object per line unless AFTERSALES_LOG_FORMAT=plain (docs/deploy.md, "Logs").
LOGGING["handlers"]["stderr"]["formatter"] = os.environ.get("AFTERSALES_LOG_FORMAT", "json")  # noqa: F405
if not os.environ.get("DJANGO_SECRET_KEY"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    # S3-compatible object storage for attachments (MinIO, Ceph, OSS…); files stay private and are
    # served through the app's permission-checked views.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Refuse to start while any active user still has the demo password (docs/deploy.md).
AFTERSALES_REFUSE_DEMO_PASSWORD = True
