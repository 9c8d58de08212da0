"""The source's approval chain (domain.md "Field staff" §12): manager → finance → general manager."""

from django.db import migrations

CHAIN = ((1, "manager"), (2, "finance"), (3, "general_manager"))


def add_chain(apps, schema_editor):
    step = apps.get_model("workforce", "ApprovalStep")
    if not step.objects.exists():
        step.objects.bulk_create([step(position=position, role=role) for position, role in CHAIN])


def remove_chain(apps, schema_editor):
    step = apps.get_model("workforce", "ApprovalStep")
    step.objects.filter(position__in=[p for p, _r in CHAIN], min_total__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("workforce", "0001_initial")]

    operations = [migrations.RunPython(add_chain, remove_chain)]
