"""API tokens moved to django-rest-knox (digests, expiring): drop DRF's table of plaintext keys.

Every client signs in again (POST /api/v1/auth/token/) once after this migration.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token CASCADE", reverse_sql=migrations.RunSQL.noop),
    ]
