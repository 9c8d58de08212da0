"""WSGI entry point."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings.production")

application = get_wsgi_application()

from aftersales.core.checks import refuse_demo_passwords  # noqa: E402

refuse_demo_passwords()
