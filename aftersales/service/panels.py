"""What other apps add to an order's page (charge lines and quotes, parts issued, a contract ...).

service sits below the areas and imports none of them: an app above registers a panel in its own
``AppConfig.ready()`` (``order_panels.register(RecordPanel(key, order, "dotted.path"))``) and the
order page prints what each ``render(request, order)`` returns ("" for nothing to show to this
user), below the visits. The panel checks its own predicate; the order is already in the user's scope.
"""

from django.http import HttpRequest
from django.utils.safestring import SafeString

from aftersales.core.panels import RecordPanel, render_panels
from aftersales.core.registry import Registry
from aftersales.service.models import ServiceOrder

order_panels: Registry[RecordPanel] = Registry("order panels")


def render_order_panels(request: HttpRequest, order: ServiceOrder) -> list[SafeString]:
    """The HTML of every registered panel that has something to show for ``order`` to this request's user."""
    return render_panels(order_panels, request, order)
