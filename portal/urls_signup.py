"""Self-signup pages of the portal (public)."""

urlpatterns: list = []
