"""The import census of docs/architecture.md: imports inside functions, and import cycles.

    python3 tools/imports.py [ROOT] [-v]

Reads the project's packages (casefiles, cms, search, themes, config; tests and migrations
aside) with ``ast``: how many imports sit inside functions (the goal: only those with a written
reason), and the cycles of the module graph — at module level, and counting the imports inside
functions too (import-linter checks the components' contracts; this counts modules). ``-v``
lists every import inside a function.
"""

import ast
import sys
from pathlib import Path

PACKAGES = ("casefiles", "cms", "search", "themes", "config")


def modules(root: Path) -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (root / package).rglob("*.py"):
            relative = path.relative_to(root)
            if "migrations" in relative.parts or "tests" in relative.parts:
                continue
            name = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
            found[name] = path
    return found


def targets(node, module: str, is_package: bool, known: dict) -> list[str]:
    """The project modules an import statement names (a name imported from a package may be a module)."""
    if isinstance(node, ast.Import):
        named = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            parts = module.split(".") if is_package else module.split(".")[:-1]
            parts = parts[: len(parts) - (node.level - 1)]
            base = ".".join(parts + ([node.module] if node.module else []))
        named = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
    owners = []
    for name in named:
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name and name != module:
            owners.append(name)
    return owners


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def main(argv: list[str]) -> None:
    root = Path(next((arg for arg in argv if not arg.startswith("-")), "."))
    known = modules(root)
    module_level, everything, inner = {}, {}, []
    for name, path in known.items():
        tree = ast.parse(path.read_text())
        in_functions = {
            id(node)
            for function in ast.walk(tree) if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
            for node in ast.walk(function) if isinstance(node, (ast.Import, ast.ImportFrom))
        }
        module_level[name], everything[name] = set(), set()
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            named = targets(node, name, path.name == "__init__.py", known)
            everything[name].update(named)
            if id(node) in in_functions:
                inner.append((name, node.lineno, named))
            else:
                module_level[name].update(named)
    print(f"imports inside functions: {len(inner)}, of project modules: {sum(1 for *_, named in inner if named)}")
    print(f"cycles at module level: {cycles(module_level)}")
    counted = cycles(everything)
    print(f"cycles counting imports inside functions: {len(counted)}")
    for component in counted:
        print(f"  {len(component)}: {', '.join(component)}")
    if "-v" in argv:
        for name, line, named in inner:
            print(f"{name}:{line} -> {', '.join(named) or '(outside the project)'}")


if __name__ == "__main__":
    main(sys.argv[1:])
