"""The Celery app: configured from Django settings (``CELERY_*``), tasks found in each app's ``tasks``.

Without ``CELERY_BROKER_URL`` the settings make every task run eagerly in process, so the
embedded default needs no broker. In production run a worker and one beat::

    celery -A editorial worker --loglevel=INFO
    celery -A editorial beat --loglevel=INFO --schedule=/var/lib/editorial/celerybeat-schedule
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.settings")

app = Celery("editorial")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
