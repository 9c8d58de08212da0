"""The customer's quote page: /q/<token>/, opened from the SMS without an account."""

from django.urls import path

from aftersales.money import views

app_name = "money_public"

urlpatterns = [path("<str:token>/", views.public_quote, name="quote")]
