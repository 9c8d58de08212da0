"""Consultations closed on the call before 0015 kept ``completed_at`` empty, so the reports counted them
late and still open: their answer (the closing) is their completion."""

from django.db import migrations
from django.db.models import F


def complete_closed(apps, schema_editor):
    ServiceOrder = apps.get_model("service", "ServiceOrder")
    ServiceOrder.objects.filter(status="closed", completed_at__isnull=True).update(completed_at=F("closed_at"))


class Migration(migrations.Migration):
    dependencies = [("service", "0014_order_tech_jobs_index")]

    operations = [migrations.RunPython(complete_closed, migrations.RunPython.noop, elidable=True)]
