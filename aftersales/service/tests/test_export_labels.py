"""An export's labels (core.tabular.display, choice_label) are Django's, in the active language."""

import pytest
from django.utils import translation

from aftersales.core.tabular import choice_label, display
from aftersales.service.choices import Channel, OrderStatus, SlaState
from aftersales.service.models import ServiceOrder


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_display_is_get_field_display_for_every_value_and_language(language):
    with translation.override(language):
        for status in OrderStatus.values:
            order = ServiceOrder(status=status)
            assert display(order, "status") == order.get_status_display()
        for channel in Channel.values:
            order = ServiceOrder(channel=channel)
            assert display(order, "channel") == order.get_channel_display()
        assert display(ServiceOrder(status="no-such-status"), "status") == "no-such-status"  # no label: the value
        for state in SlaState.values:
            assert choice_label(SlaState, state) == str(SlaState(state).label)


def test_the_labels_follow_the_language_switched_between_calls():
    order = ServiceOrder(status=OrderStatus.NEW)
    with translation.override("en"):
        english = display(order, "status")
    with translation.override("zh-hans"):
        chinese = display(order, "status")
        django_chinese = order.get_status_display()

    assert english == "New"
    assert chinese == django_chinese == "新建"
