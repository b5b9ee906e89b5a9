"""Back-office review of registration requests."""

urlpatterns: list = []
