"""Dependencies point one way (README): portal → conversations → sales → customers → lumytic."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_apps(package: str) -> set[str]:
    """The top-level packages a package's modules import (absolute imports)."""
    names = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def test_lower_apps_never_import_conversations():
    for package in ("sales", "customers", "lumytic", "notifications"):
        assert "conversations" not in imported_apps(package), package


def test_conversations_never_imports_the_portal():
    assert "portal" not in imported_apps("conversations")
