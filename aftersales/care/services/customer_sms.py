"""The kinds of SMS customer care sends a customer, registered in ``CareConfig.ready``
(notifications.kinds). Both go through ``notifications.customer_sms.send_customer_sms`` — signed
【company】, ending with the hotline, held through the quiet hours — and neither has a switch in
settings → 客户短信: each is a message someone chose to send, to chosen customers, in words they wrote
(a campaign's manager, §15 6; the staff member typing on the contact log). A switch would drop it
behind their back while the campaign's recipients and the contact log say it was sent; who may send
them is the capability's business (``care.run_campaigns``, ``care.log_contacts``)."""

from django.utils.translation import gettext_lazy as _

from aftersales.notifications.kinds import CustomerSmsKind, customer_sms_kinds

CAMPAIGN = "campaign"
CONTACT_MESSAGE = "contact_message"

KINDS = (
    CustomerSmsKind(
        CAMPAIGN,
        _("Campaign notice"),
        90,
        _("A campaign is announced: its title and message, to each chosen customer's mobile."),
        switchable=False,
    ),
    CustomerSmsKind(
        CONTACT_MESSAGE,
        _("Message from staff"),
        95,
        _("An SMS typed by staff on a customer's contact log."),
        switchable=False,
    ),
)


def register_kinds() -> None:
    for kind in KINDS:
        customer_sms_kinds.register(kind)
