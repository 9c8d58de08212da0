"""Staff's portal screens (``/portal-admin/``): access and QR labels."""

from django.urls import path

from aftersales.portal import staff_views

app_name = "portal_staff"

urlpatterns = [
    path("access/", staff_views.access_list, name="access_list"),
    path("access/<int:contact_id>/<slug:action>/", staff_views.access_action, name="access_action"),
    path("labels/", staff_views.label_list, name="label_list"),
    path("labels/sheet/", staff_views.label_sheet, name="label_sheet"),
    path("labels/<int:unit_id>/qr.<str:fmt>", staff_views.unit_qr, name="unit_qr"),
    path("labels/<int:unit_id>/reissue/", staff_views.label_reissue, name="label_reissue"),
]
