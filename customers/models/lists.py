"""A staff member's saved choices for a list (columns, sort)."""

from django.conf import settings
from django.db import models


class ListPreference(models.Model):
    """A staff member's remembered choices for one list page (e.g. its visible columns)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    list_key = models.CharField(max_length=50)
    columns = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "list_key"], name="customers_listpref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.list_key}"
