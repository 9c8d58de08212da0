"""Domain events of spare parts, for the apps above (docs/architecture.md, "Domain events").

``parts_used``: sent by ``services.visits.use_parts`` once the parts of a visit are issued, inside its
transaction (a receiver that raises rolls the issue back). Keyword arguments: ``order``, ``visit``,
``used`` (the ``VisitPart`` rows written) and ``by``. Money turns them into charge lines.
"""

from django.dispatch import Signal

parts_used = Signal()
