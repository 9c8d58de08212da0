"""Settings screens of the accounts context, mounted at /settings/."""

from django.urls import path

from aftersales.accounts import views

app_name = "accounts"

urlpatterns = [
    path("company/", views.CompanyProfileView.as_view(), name="company_profile"),
    path("centres/", views.CentreListView.as_view(), name="centre_list"),
    path("centres/new/", views.CentreCreateView.as_view(), name="centre_create"),
    path("centres/<int:pk>/", views.CentreUpdateView.as_view(), name="centre_edit"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/new/", views.UserCreateView.as_view(), name="user_create"),
    path("users/<int:pk>/", views.UserUpdateView.as_view(), name="user_edit"),
    path("users/<int:pk>/deactivate/", views.UserDeactivateView.as_view(), name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views.UserReactivateView.as_view(), name="user_reactivate"),
    path("users/<int:pk>/password/", views.UserPasswordView.as_view(), name="user_password"),
]
