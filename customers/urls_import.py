"""URLs of the CSV import."""

urlpatterns: list = []
