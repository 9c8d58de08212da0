"""Copy the in-app notices from the service app (``service.Notification``) into this app's table.

Data only: the schema is ``0002_notification``; the service table is dropped by
``service.0007_delete_notification`` after this. Reversible: going back copies the notices into the
service table again (recreated empty by reversing that migration first). Ids are not kept — nobody
could read a notice before this move, so no one holds an id. A notice about an order keeps the order as
its target and leads to the order's page (``/orders/<id>/``, the service URL at the time of the move).
"""

from django.db import migrations

BATCH = 2000


def _without_auto_now_add(model):  # keep created_at as it was
    field = model._meta.get_field("created_at")
    field.auto_now_add = False
    return model


def forward(apps, schema_editor):
    old = apps.get_model("service", "Notification")
    new = _without_auto_now_add(apps.get_model("notifications", "Notification"))
    if not old.objects.exists():
        return
    order_type, _created = apps.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="service", model="serviceorder"
    )
    rows = []
    for notice in old.objects.order_by("id").iterator(chunk_size=BATCH):
        rows.append(
            new(
                user_id=notice.user_id,
                message=notice.message,
                url=f"/orders/{notice.order_id}/" if notice.order_id else "",
                target_type=order_type if notice.order_id else None,
                target_id=notice.order_id,
                read_at=notice.read_at,
                created_at=notice.created_at,
            )
        )
        if len(rows) >= BATCH:
            new.objects.bulk_create(rows)
            rows = []
    new.objects.bulk_create(rows)


def backward(apps, schema_editor):
    old = _without_auto_now_add(apps.get_model("service", "Notification"))
    new = apps.get_model("notifications", "Notification")
    orders = apps.get_model("service", "ServiceOrder")
    rows = []
    for notice in new.objects.select_related("target_type").order_by("id").iterator(chunk_size=BATCH):
        about_order = notice.target_type is not None and (notice.target_type.app_label, notice.target_type.model) == (
            "service",
            "serviceorder",
        )
        order_id = notice.target_id if about_order and orders.objects.filter(pk=notice.target_id).exists() else None
        rows.append(
            old(
                user_id=notice.user_id,
                order_id=order_id,
                message=notice.message,
                read_at=notice.read_at,
                created_at=notice.created_at,
            )
        )
        if len(rows) >= BATCH:
            old.objects.bulk_create(rows)
            rows = []
    old.objects.bulk_create(rows)
    new.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0002_notification"),
        ("service", "0006_visit_rating_validators"),
    ]

    operations = [migrations.RunPython(forward, backward)]
