"""Existing tokens get a distinct client name (``token-<id>``) and an expiry 90 days after they were made."""

import datetime

from django.db import migrations


def forwards(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.all().only("pk", "created_at"):
        ApiToken.objects.filter(pk=token.pk).update(
            name=f"token-{token.pk}", expires_at=token.created_at + datetime.timedelta(days=90)
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_token_name_prefix_expiry")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
