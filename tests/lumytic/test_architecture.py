"""The code keeps the shape docs/architecture.md describes.

Apps depend one way, `portal → conversations → sales → customers → lumytic`, and `notifications`
uses none of them. These tests read the source and the templates (they import nothing they check)
so that a shortcut upward, a private helper borrowed from another module or an over-long module
fails here instead of in a review.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Lower number = lower layer. An app may use its own layer and the ones below it.
LAYERS = {"lumytic": 0, "customers": 1, "sales": 2, "conversations": 3, "portal": 4}
LEAF = "notifications"
APPS = [*LAYERS, LEAF]
# Template folders that belong to no app are the project's own layer.
PROJECT_TEMPLATES = {"layouts", "core", "account", "allauth", "mfa"}
# Rebuilt in their own issue (19); exempt from the size limit until then.
SIZE_EXEMPT = {"customers/listing.py", "customers/services/importing.py"}
MAX_LINES = 500


def python_files(*tops: str):
    for top in tops:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def imported_modules(path: Path):
    """(line, absolute module name, imported names) for each import in a module."""
    tree = ast.parse(path.read_text(), filename=str(path))
    # The package a relative import starts from (a module's own folder).
    package = rel(path).removesuffix(".py").split("/")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield node.lineno, module, [alias.name for alias in node.names]


def app_of(module: str) -> str | None:
    top = module.split(".")[0]
    return top if top in APPS else None


def allowed(source_app: str, target_app: str) -> bool:
    if target_app == source_app:
        return True
    if source_app == LEAF:  # notifications receives rendered context; it names no app
        return False
    if target_app == LEAF:
        return True
    return LAYERS[target_app] <= LAYERS[source_app]


# The root URLconf and the Celery app put the apps together, so they may name every app.
COMPOSITION_ROOTS = {"lumytic/urls.py", "lumytic/celery.py"}


def imports_against_the_direction(app: str) -> list[str]:
    wrong = []
    for path in python_files(app):
        if rel(path) in COMPOSITION_ROOTS:
            continue
        for line, module, _names in imported_modules(path):
            target = app_of(module)
            if target and not allowed(app, target):
                wrong.append(f"{rel(path)}:{line} imports {module}")
    return wrong


@pytest.mark.parametrize("package", list(LAYERS)[:-1])
def test_an_app_never_imports_an_app_above_it(package):
    assert imports_against_the_direction(package) == []


def test_notifications_imports_no_domain_app():
    assert imports_against_the_direction(LEAF) == []


def test_no_module_imports_a_private_name_from_another_module():
    wrong = []
    for path in python_files(*APPS, "tests", "bench"):
        for line, module, names in imported_modules(path):
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private:
                wrong.append(f"{rel(path)}:{line} imports {private} from {module}")
    assert not wrong, "Make these public where they are defined:\n" + "\n".join(wrong)


def test_no_test_module_imports_another_test_module():
    wrong = [
        f"{rel(path)}:{line} imports {module}"
        for path in python_files("tests")
        for line, module, _names in imported_modules(path)
        if module.split(".")[-1].startswith("test_")
    ]
    assert not wrong, "Move shared fixtures to conftest.py, helpers to a helper module:\n" + (
        "\n".join(wrong)
    )


# A URL name in code or a template: any quoted "namespace:name" (reverse, {% url %}, a table).
URL_NAME = re.compile(r"""["']([a-z_]+):[a-z][a-z0-9_-]*["']""")
TEMPLATE_NAME = re.compile(
    r"""(?:include|extends|template_name\s*=|render_to_string\(|get_template\()\s*["']([a-z_]+)/"""
)


def layer_of_template_folder(folder: str) -> str | None:
    if folder in PROJECT_TEMPLATES:
        return "lumytic"
    return folder if folder in APPS else None


def references(text: str):
    """(kind, app) for every URL namespace and template folder a file names."""
    for match in URL_NAME.finditer(text):
        yield "URL", match.group(1), text.count("\n", 0, match.start()) + 1
    for match in TEMPLATE_NAME.finditer(text):
        yield "template", match.group(1), text.count("\n", 0, match.start()) + 1


URL_NAMESPACES = {"office": "lumytic", "customers": "customers", "sales": "sales"}
URL_NAMESPACES |= {"conversations": "conversations", "portal": "portal", "portal_office": "portal"}
URL_NAMESPACES |= {"notifications": LEAF}


def test_no_app_names_a_url_or_template_of_an_app_above_it():
    files = [(path, app_of(rel(path).replace("/", "."))) for path in python_files(*APPS)]
    for path in sorted((ROOT / "templates").rglob("*.html")):
        folder = path.relative_to(ROOT / "templates").parts[0]
        files.append((path, layer_of_template_folder(folder)))
    wrong = []
    for path, source in files:
        if source is None or rel(path) in COMPOSITION_ROOTS:
            continue
        for kind, name, line in references(path.read_text()):
            target = URL_NAMESPACES.get(name) if kind == "URL" else layer_of_template_folder(name)
            # The outbox's pages sit in the project's layout like every office page.
            if target == "lumytic" and source == LEAF and kind == "template":
                continue
            if target and not allowed(source, target):
                wrong.append(f"{rel(path)}:{line} names a {kind} of {target} ({name}:…)")
    assert not wrong, "Ask a registry instead:\n" + "\n".join(wrong)


@pytest.mark.parametrize("top", [*APPS, "tests", "bench"])
def test_no_module_is_over_500_lines(top):
    long = {
        rel(path): lines
        for path in python_files(top)
        if rel(path) not in SIZE_EXEMPT and (lines := path.read_text().count("\n")) > MAX_LINES
    }
    assert not long, f"Split these by what they hold: {long}"
