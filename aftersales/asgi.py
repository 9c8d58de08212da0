"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings.production")

application = get_asgi_application()

from aftersales.core.checks import refuse_demo_passwords  # noqa: E402

refuse_demo_passwords()
