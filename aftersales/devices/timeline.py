"""What connected equipment adds to an order's timeline: the machine report that opened it (with a
link to the unit's track of that day) and the fault clearing, when it did."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.registry import Change, TimelineEntry
from aftersales.devices.choices import RuleKind
from aftersales.devices.models import Trigger


def order_entries(order: Any) -> list[TimelineEntry]:
    entries = []
    for trigger in Trigger.objects.filter(order_id=order.pk).select_related("rule", "device").order_by("pk"):
        changes = [Change(_("Device"), "", trigger.device.serial), Change(_("Rule"), "", trigger.rule.name)]
        if trigger.rule.kind == RuleKind.FAULT:
            title = _("Machine reported fault %(code)s") % {"code": trigger.data.get("code", "")}
        elif trigger.rule.kind == RuleKind.THRESHOLD:
            title = _("Machine reading over its threshold")
            changes.append(Change(trigger.data.get("metric", ""), "", str(trigger.data.get("value", ""))))
        else:
            title = _("Engine hours reached a maintenance interval")
            changes.append(Change(_("Engine hours"), "", str(trigger.data.get("hours", ""))))
        extra = {"unit_id": trigger.unit_id, "day": timezone.localtime(trigger.fired_at).date().isoformat()}
        entries.append(
            TimelineEntry(
                at=trigger.fired_at,
                title=title,
                source="devices.triggers",
                changes=tuple(changes),
                template="devices/_timeline_entry.html",
                object=trigger,
                extra=extra,
            )
        )
        if trigger.cleared_at:
            entries.append(
                TimelineEntry(
                    at=trigger.cleared_at,
                    title=_("Fault %(code)s cleared on the machine") % {"code": trigger.data.get("code", "")},
                    source="devices.triggers",
                    template="devices/_timeline_entry.html",
                    object=trigger,
                    extra={**extra, "day": timezone.localtime(trigger.cleared_at).date().isoformat()},
                )
            )
    return entries
