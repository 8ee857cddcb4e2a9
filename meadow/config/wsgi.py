"""WSGI entry point (gunicorn meadow.config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meadow.config.settings")
application = get_wsgi_application()
