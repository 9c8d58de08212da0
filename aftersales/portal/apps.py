from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "aftersales.portal"
    verbose_name = _("Customer portal")

    def ready(self) -> None:
        from aftersales.accounts.capabilities import register_capabilities
        from aftersales.core import registry
        from aftersales.history.registry import register_types
        from aftersales.portal.home import register_home_panels
        from aftersales.portal.permissions import CAPABILITIES

        register_capabilities(CAPABILITIES)
        register_home_panels()
        permissions = "aftersales.portal.permissions"
        registry.navigation.register(
            registry.NavEntry(
                "portal_access",
                _("Portal access"),
                "portal_staff:access_list",
                "phone",
                29,
                f"{permissions}.can_manage_access",
                group="care",
            )
        )
        registry.navigation.register(
            registry.NavEntry(
                "portal_labels",
                _("QR labels"),
                "portal_staff:label_list",
                "qr-code",
                30,
                f"{permissions}.can_print_labels",
                group="care",
            )
        )
        register_types(
            {
                "portal.access_revoked": _("Portal access revoked"),
                "portal.access_restored": _("Portal access restored"),
                "portal.admin_set": _("Portal administrator set"),
                "portal.admin_cleared": _("Portal administrator cleared"),
                "portal.code_sent": _("Portal sign-in code sent by staff"),
                "portal.label_reissued": _("QR label reissued"),
            }
        )
