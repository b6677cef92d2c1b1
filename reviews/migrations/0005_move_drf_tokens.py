"""Move the keys of DRF's tokens (``rest_framework.authtoken``, stored in clear) into ApiToken, hashed.

Clients holding such a key keep working until ``API_TOKEN_DAYS`` after this migration. The old
table is then dropped, so no key is left in clear, and its app's migrations are forgotten (the
app is no longer installed; installing it again would create its table anew). A database that
never had the table (a new installation) has nothing to move.
"""

import hashlib
from datetime import UTC, timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

OLD_TABLE = "authtoken_token"


def _aware(value):
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is None:
        return timezone.now()
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


def move_drf_tokens(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if OLD_TABLE not in connection.introspection.table_names(cursor):
            return
        cursor.execute(f"SELECT {connection.ops.quote_name('key')}, user_id, created FROM {OLD_TABLE}")
        rows = cursor.fetchall()
    ApiToken = apps.get_model("reviews", "ApiToken")
    expires_at = timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
    ApiToken.objects.using(connection.alias).bulk_create(
        ApiToken(
            user_id=user_id,
            name="Token from before expiry",
            key_hash=hashlib.sha256(key.encode()).hexdigest(),
            prefix=key[:8],
            created_at=_aware(created),
            expires_at=expires_at,
        )
        for key, user_id, created in rows
    )
    schema_editor.execute(f"DROP TABLE {OLD_TABLE}")
    schema_editor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])


class Migration(migrations.Migration):
    dependencies = [("reviews", "0004_api_tokens")]

    operations = [migrations.RunPython(move_drf_tokens, migrations.RunPython.noop)]
