"""Self-signup pages of the portal (public)."""

from django.urls import path

from . import signup_views

urlpatterns: list = [
    path("signup/", signup_views.SignupView.as_view(), name="signup"),
    path("signup/thanks/", signup_views.SignupDoneView.as_view(), name="signup-done"),
]
