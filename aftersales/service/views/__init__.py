"""Screens of the service context, one module per screen family; each module owns its ``urlpatterns``.

- ``orders``: order list, detail with its actions, printable service record form (售后服务记录单)
- ``intake``: hotline intake (来电登记) with live lookup
- ``dispatch``: the dispatch board (派工)
- ``technician``: the technician's phone view with the signature pad
"""
