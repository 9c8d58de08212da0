"""Seed one SLA policy per order kind with the source's values (domain.md Intake §9 一, Repair §6 1.3.3).

The values are a frozen copy of ``aftersales.service.sla.DEFAULT_POLICIES`` as it was when this
migration was written: a migration must not import code that may change later.
"""

from django.db import migrations

# kind: (response hours, resolution working days, at-risk working days before due)
POLICIES = {
    "consultation": (24, None, 0),
    "repair": (24, 7, 1),
    "installation": (24, 10, 2),
    "maintenance": (24, 10, 2),
    "complaint": (24, 2, 1),
    "exchange": (24, 15, 5),
    "return_to_factory": (24, 15, 5),
}


def seed(apps, schema_editor):
    SlaPolicy = apps.get_model("service", "SlaPolicy")
    for kind, (response_hours, working_days, at_risk_days) in POLICIES.items():
        # An existing row is an admin's decision: keep it.
        SlaPolicy.objects.get_or_create(
            kind=kind,
            defaults={
                "response_hours": response_hours,
                "resolution_working_days": working_days,
                "at_risk_working_days": at_risk_days,
            },
        )


def unseed(apps, schema_editor):
    """Remove only the rows that still hold the seeded values; edited rows stay."""
    SlaPolicy = apps.get_model("service", "SlaPolicy")
    for kind, (response_hours, working_days, at_risk_days) in POLICIES.items():
        SlaPolicy.objects.filter(
            kind=kind,
            response_hours=response_hours,
            resolution_working_days=working_days,
            at_risk_working_days=at_risk_days,
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("service", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
