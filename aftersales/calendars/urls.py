"""The calendar screen, mounted at /calendar/."""

from django.urls import path

from aftersales.calendars import views

app_name = "calendars"

urlpatterns = [
    path("", views.calendar_view, name="calendar"),
    path("days/", views.calendar_day_set, name="day_set"),
    path("days/<str:day>/remove/", views.calendar_day_remove, name="day_remove"),
    path("years/<int:year>/entered/", views.calendar_year_mark, name="year_mark"),
    path("years/<int:year>/unmarked/", views.calendar_year_unmark, name="year_unmark"),
]
