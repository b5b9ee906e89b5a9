from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.staticfiles)
def front_end_packages_installed(app_configs, **kwargs) -> list[Error]:
    """Fail loudly when the npm packages the layouts need are missing."""
    if (settings.NODE_MODULES / "bootstrap" / "dist").is_dir():
        return []
    return [
        Error(
            "Front-end packages are not installed.",
            hint="Run `npm ci` in the project root (./dev setup does it for you).",
            id="lumytic.E001",
        )
    ]
