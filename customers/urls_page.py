"""URLs of the customer page and its tabs (contacts, notes, reminders, credits, activity)."""

urlpatterns: list = []
