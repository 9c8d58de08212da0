"""Console pages of sale and repurchase, mounted at /repurchase/."""

from django.urls import path

from aftersales.repurchase import views

app_name = "repurchase"
urlpatterns = [
    path("", views.contract_list, name="index"),
    path("new/", views.contract_create, name="create"),
    path("preview/", views.contract_preview, name="preview"),
    path("<int:contract_id>/", views.contract_detail, name="detail"),
    path("<int:contract_id>/post/", views.contract_post, name="post"),
    path("<int:contract_id>/exercise/", views.contract_exercise, name="exercise"),
    path("<int:contract_id>/lapse/", views.contract_lapse, name="lapse"),
    path("<int:contract_id>/reverse/", views.contract_reverse, name="reverse"),
]
