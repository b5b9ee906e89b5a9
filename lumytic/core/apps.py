from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "lumytic.core"
    label = "core"
    verbose_name = _("Lumytic")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers system checks)
        from .nav import register_core_links

        register_core_links()
