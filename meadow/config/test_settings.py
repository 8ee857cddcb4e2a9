"""Settings for the test suite: the same as production but for a non-UTC time zone.

A zone far from UTC catches dates that are compared naively.
"""

from meadow.config.settings import *  # noqa: F403

TIME_ZONE = "Pacific/Chatham"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
