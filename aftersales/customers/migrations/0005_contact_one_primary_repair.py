"""Before 0006 makes "one primary contact per customer, and only one in use" a constraint of the
database, repair the rows that break it (two requests at once could each add a primary contact):

- a contact out of use is not primary (taking one out of use has always cleared it);
- of a customer's primary contacts in use, the one created first (then the lowest id) stays primary,
  the others are demoted: it was the customer's primary before the others appeared, and the choice
  does not depend on the order rows come back in.

Nothing else changes; a customer left with no primary contact keeps none (the rule is "at most one").
Going back leaves the repaired rows as they are."""

from django.db import migrations
from django.db.models import Count


def repair_primary_contacts(apps, schema_editor):
    Contact = apps.get_model("customers", "Contact")
    Contact.objects.filter(is_primary=True, in_use=False).update(is_primary=False)
    crowded = (
        Contact.objects.filter(is_primary=True)
        .values("customer_id")
        .annotate(primaries=Count("id"))
        .filter(primaries__gt=1)
        .values_list("customer_id", flat=True)
    )
    demoted: list[int] = []
    kept: set[int] = set()
    primaries = Contact.objects.filter(is_primary=True, customer_id__in=crowded)  # a subquery: no list of ids
    for pk, customer_id in primaries.order_by("customer_id", "created_at", "id").values_list("id", "customer_id"):
        if customer_id in kept:
            demoted.append(pk)
        else:
            kept.add(customer_id)
    for start in range(0, len(demoted), 1000):
        Contact.objects.filter(id__in=demoted[start : start + 1000]).update(is_primary=False)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0004_contact_site_in_use"),
    ]

    operations = [
        migrations.RunPython(repair_primary_contacts, migrations.RunPython.noop, elidable=True),
    ]
