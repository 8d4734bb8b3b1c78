"""Layers in one direction: a module imports only from its own layer or a lower one.

Every module of service/ and forms/ is parsed with `ast` (imports anywhere, including inside
functions and under `if TYPE_CHECKING:`); nothing is imported, so a cycle cannot hide a violation.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("service", "forms")

# The README's « Architecture » list, lowest first.
LAYER_NAMES = (
    "foundations",
    "rendering",
    "kinds",
    "models and pure domain",
    "domain services",
    "operations",
    "UI and entry points",
)
# Module prefix -> layer; the most specific prefix wins. A prefix covers the module of that name
# and every module below it. A module no prefix covers fails the test: place it in a layer.
LAYERS: dict[str, int] = {
    "service.ids": 0,
    "service.timeutil": 0,
    "service.config": 0,
    "service.extensions": 0,
    "service.errors": 0,  # French domain errors: every layer may raise them
    "service.logs": 0,  # the JSON log lines
    "service.interpreter": 0,  # process-level interpreter tuning (collector, frame chunks)
    "service.faults": 0,  # crash injection points of the write path (tests only)
    # No Flask, no database.
    "service.rendering": 1,
    # Pure declarations of the document kinds; may use rendering's formatting.
    "service.kinds": 2,
    "service.auth": 3,  # models, passwords
    "service.auth.roles": 0,  # plain constants the kinds' access declarations name
    "service.registry": 3,
    "service.households": 3,  # models, path, alerts, schemas, vocabulary
    "service.referrals": 3,  # models
    "service.documents.models": 3,
    "service.documents.signatures": 3,  # the Signature table
    "service.models": 3,  # imports every model for SQLAlchemy's metadata
    "service.documents": 4,
    "service.households.service": 4,
    "service.households.facts": 4,  # the charter alerts' facts, many households at once
    "service.referrals.service": 4,
    "service.auth.policy": 4,
    "service.auth.session": 4,
    "service.finance": 3,  # the account chart, the ledger, forecasts (models and pure rules)
    "service.reporting": 4,  # indicators (SQL), suppression, the bilans' kinds
    "service.reporting.records": 3,  # staff time, collective actions, practice sessions
    "service.reporting.vocabulary": 2,  # pure vocabularies of the bilans' records
    "service.notifications": 4,  # messages, mail, events, the bulk facts, the Celery tasks
    "service.notifications.models": 3,  # the preferences table
    "service.jobs.heartbeat": 3,  # the workers' heartbeat table
    "service.jobs": 4,  # the job runner, the queue, the periodic tasks
    "service.jobs.models": 3,  # the jobs table
    "service.jobs.celery_app": 3,  # the Celery application object (no Flask)
    "service.jobs.worker": 6,  # the worker's entry point: builds the app
    "service.applications": 4,  # services, the dossier's kinds, the assembly
    "service.applications.models": 3,  # calls, applications, their pieces
    "service.applications.vocabulary": 3,
    "service.applications.schemas": 3,
    "service.applications.budget": 3,  # the budget computed from the sections (pure)
    "service.applications.checklist": 3,  # pure rules over a facts snapshot
    "service.retention": 4,  # the rules, the nightly flagging, its Celery task
    "service.retention.models": 3,  # the retention flags table
    "service.pagination": 4,  # one page of a query, for the web and the API
    "service.uploads": 3,  # checked and cleaned PDFs (child process), their store and rows
    "service.operations": 5,
    "forms": 6,
    "service.web": 6,
    "service.api": 6,
    "service.cli": 6,
    "service.demo": 6,
    "service.warmup": 6,
    "service.app": 6,
    "service.attachments": 6,  # an HTTP download, for the pages and the API
}
# Exact names only: `service` as a prefix would cover every module of the package.
EXACT_LAYERS: dict[str, int] = {
    "service": 0,  # the package's docstring only
}

# Rendering and the kinds are pure: no web framework, no database (service.extensions is layer 0
# but holds the database handle).
PURE = ("service.rendering", "service.kinds")
IMPURE = ("flask", "flask_login", "flask_migrate", "flask_smorest", "flask_sqlalchemy",
          "flask_wtf", "werkzeug", "sqlalchemy", "alembic", "psycopg", "service.extensions")

# The UI package: forms import WTForms and, for their vocabularies and labels, the domain's
# vocabulary modules only; only the views and the API use forms.
FORMS_MAY_IMPORT = ("forms", "service.kinds", "service.households.vocabulary",
                    "service.applications.vocabulary")
MAY_IMPORT_FORMS = ("forms", "service.web", "service.api")

# Known inversions, to be emptied (each entry fails once its import is gone: remove it then).
# (importing module, imported module)
KNOWN_VIOLATIONS: set[tuple[str, str]] = set()

# Function-local imports allowed for good, "path:line" -> why: a heavy optional library loaded
# only where it is used, and the package's lazy re-export of the app factory.
# "path:imported module" (not a line number, which every edit above it would move).
ALLOWED_LOCAL_IMPORTS: dict[str, str] = {
    # matplotlib takes about a second to import: only a process drawing a bilan's charts pays it.
    "service/reporting/charts.py:matplotlib": "matplotlib, heavy, for the bilans' charts only",
    "service/reporting/charts.py:matplotlib.figure": "matplotlib's Figure, with it",
}
# Function-local imports still to be moved to the top of files owned elsewhere, to be emptied
# (each entry fails once its import is gone). (path, imported module)
PENDING_LOCAL_IMPORTS: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    path: str  # its file, relative to the repository
    line: int
    target: str  # the imported module (a name bound by `from x import name` resolved to x)
    local: bool  # placed inside a function


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[_module_name(path)] = path
    return found


MODULES = _sources()


def _imports_of(module: str, path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    relative = str(path.relative_to(ROOT))
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            local = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend(Import(module, relative, child.lineno, alias.name, in_function)
                             for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in child.names:
                    # `from service import kinds` imports the module service.kinds
                    target = f"{base}.{alias.name}"
                    target = target if target in MODULES else base
                    found.append(Import(module, relative, child.lineno, target, in_function))
            visit(child, local)

    visit(tree, False)
    return list(dict.fromkeys(found))  # `from x import a, b` binds two names of one module


IMPORTS = [found for module, path in MODULES.items() for found in _imports_of(module, path)]


def _internal(name: str) -> bool:
    return name.split(".")[0] in PACKAGES


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def layer_of(name: str) -> int | None:
    if name in EXACT_LAYERS:
        return EXACT_LAYERS[name]
    prefixes = [prefix for prefix in LAYERS if _within(name, prefix)]
    return LAYERS[max(prefixes, key=len)] if prefixes else None


def _named(layer: int) -> str:
    return f"layer {layer} ({LAYER_NAMES[layer]})"


def test_every_module_has_a_layer():
    missing = sorted(name for name in MODULES if layer_of(name) is None)
    assert not missing, f"modules in no layer, add them to LAYERS: {missing}"


def test_no_module_imports_a_higher_layer():
    inversions = set()
    messages = []
    for found in IMPORTS:
        if not _internal(found.target):
            continue
        low, high = layer_of(found.module), layer_of(found.target)
        if low is None or high is None or high <= low:
            continue
        inversions.add((found.module, found.target))
        if (found.module, found.target) not in KNOWN_VIOLATIONS:
            messages.append(f"{found.path}:{found.line}: {found.module} ({_named(low)}) imports "
                            f"{found.target} ({_named(high)})")
    assert not messages, "imports of a higher layer:\n" + "\n".join(messages)
    stale = sorted(KNOWN_VIOLATIONS - inversions)
    assert not stale, f"no longer imported, remove from KNOWN_VIOLATIONS: {stale}"


def test_rendering_and_kinds_know_no_flask_and_no_database():
    messages = [f"{found.path}:{found.line}: {found.module} imports {found.target}"
                for found in IMPORTS
                if any(_within(found.module, pure) for pure in PURE)
                and any(_within(found.target, impure) for impure in IMPURE)]
    assert not messages, "\n".join(messages)


def test_forms_are_imported_by_the_views_only_and_read_domain_vocabularies_only():
    messages = []
    for found in IMPORTS:
        if not _internal(found.target):
            continue
        if _within(found.module, "forms") and not any(
                _within(found.target, allowed) for allowed in FORMS_MAY_IMPORT):
            messages.append(f"{found.path}:{found.line}: forms may import only "
                            f"{FORMS_MAY_IMPORT}, not {found.target}")
        if _within(found.target, "forms") and not any(
                _within(found.module, allowed) for allowed in MAY_IMPORT_FORMS):
            messages.append(f"{found.path}:{found.line}: {found.module} imports {found.target}; "
                            f"only {MAY_IMPORT_FORMS} may use forms")
    assert not messages, "\n".join(messages)


def test_no_import_inside_a_function_but_heavy_optional_libraries():
    local = [found for found in IMPORTS if found.local]
    unexpected = [f"{found.path}:{found.line}: import of {found.target} inside a function"
                  for found in local
                  if f"{found.path}:{found.target}" not in ALLOWED_LOCAL_IMPORTS
                  and (found.path, found.target) not in PENDING_LOCAL_IMPORTS]
    assert not unexpected, (
        f"{len(local)} function-local imports; move these to the top of their module (an "
        "import cycle means a layer is wrong), or list a heavy optional library in "
        "ALLOWED_LOCAL_IMPORTS with its reason:\n" + "\n".join(unexpected))
    places = {f"{found.path}:{found.target}" for found in local}
    pairs = {(found.path, found.target) for found in local}
    stale = sorted(set(ALLOWED_LOCAL_IMPORTS) - places) + sorted(PENDING_LOCAL_IMPORTS - pairs)
    assert not stale, f"no longer inside a function, remove from the allow-lists: {stale}"
