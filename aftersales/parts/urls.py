"""Console URLs of spare parts (the views modules declare them)."""

from aftersales.parts import views, views_actions, views_picker, views_work

app_name = "parts"
urlpatterns = [*views.urlpatterns, *views_work.urlpatterns, *views_actions.urlpatterns, *views_picker.urlpatterns]
