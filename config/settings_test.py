"""Test settings: the same settings, with tasks run on commit and mail kept in memory."""

import os
import tempfile

os.environ.setdefault("ONEDOOR_DATA_DIR", tempfile.mkdtemp(prefix="onedoor-test-"))

from config.settings import *  # noqa: E402,F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
