"""Dependencies point one way (docs/architecture.md):
portal → conversations → sales → customers → lumytic, and notifications imports none of them."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ["lumytic", "customers", "sales", "conversations", "portal"]
# The root URLconf and the Celery app put the apps together, so they may name every app.
COMPOSITION_ROOTS = {ROOT / "lumytic" / "urls.py", ROOT / "lumytic" / "celery.py"}


def imported_apps(package: str) -> set[str]:
    """The top-level packages a package's modules import (absolute imports)."""
    names = set()
    for path in (ROOT / package).rglob("*.py"):
        if path in COMPOSITION_ROOTS:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", LAYERS[:-1])
def test_an_app_never_imports_an_app_above_it(package):
    above = set(LAYERS[LAYERS.index(package) + 1 :])
    assert imported_apps(package) & above == set()


def test_notifications_imports_no_domain_app():
    assert imported_apps("notifications") & set(LAYERS) == set()
