"""The import census of docs/architecture.md: imports inside functions, and import cycles.

    python3 tools/imports.py [ROOT] [-v]

Reads the project's packages (casefiles, cms, search, themes, config; tests and migrations
aside) with ``ast``: how many imports sit inside functions, and how many of those carry a written
reason (the goal: all of them), and the cycles of the module graph — at module level, and
counting the imports inside functions too (import-linter checks the components' contracts; this
counts modules). ``-v`` lists the imports inside functions that give no reason.

A reason is a ``#`` comment on the import's own line(s), or on the comment line directly above
it or above the block of imports it belongs to (imports one after another, blank lines between
them allowed). A comment that is only a linter's directive (``# noqa: F401``) is no reason.
"""

import ast
import io
import re
import sys
import tokenize
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


DIRECTIVE = re.compile(r"#\s*(noqa|type:|pragma|fmt:|isort:)[^#]*$")


def comments(source: str) -> tuple[dict[int, str], set[int]]:
    """The comment of each line that has one, and the lines holding nothing but a comment."""
    found, code = {}, set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found[token.start[0]] = token.string
        elif token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                                tokenize.ENDMARKER):
            code.update(range(token.start[0], token.end[0] + 1))
    return found, set(found) - code


def is_reason(comment: str | None) -> bool:
    return bool(comment) and not DIRECTIVE.fullmatch(comment.strip())


def inner_imports(tree: ast.Module, source: str) -> list[tuple[ast.stmt, bool]]:
    """Each import inside a function, with whether a reason is written for it."""
    found, comment_only = comments(source)
    lines = source.splitlines()

    def blank_or_comment(first: int, last: int) -> bool:
        return all(not lines[n - 1].strip() or n in comment_only for n in range(first, last + 1))

    def has_reason(block: list[ast.stmt], index: int) -> bool:
        node = block[index]
        if any(is_reason(found.get(n)) for n in range(node.lineno, node.end_lineno + 1)):
            return True
        start = index  # back to the first import of the block this one belongs to
        while block[start].lineno - 1 not in comment_only:
            previous = block[start - 1] if start else None
            if not (isinstance(previous, (ast.Import, ast.ImportFrom))
                    and blank_or_comment(previous.end_lineno + 1, block[start].lineno - 1)):
                return False
            start -= 1
        above = block[start].lineno - 1  # the comment lines directly above: one of them gives the reason
        while above in comment_only:
            if is_reason(found[above]):
                return True
            above -= 1
        return False

    result = []
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            for field in ("body", "orelse", "finalbody", "handlers"):
                block = getattr(node, field, None)
                if not isinstance(block, list):
                    continue
                for index, statement in enumerate(block):
                    if isinstance(statement, (ast.Import, ast.ImportFrom)):
                        result.append((statement, has_reason(block, index)))
    unique = {}  # a nested function is walked from each function around it
    for statement, reason in result:
        unique[id(statement)] = (statement, reason)
    return sorted(unique.values(), key=lambda pair: pair[0].lineno)


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


def census(root: Path) -> dict:
    """The counts of the docstring: imports inside functions (with and without a reason) and cycles."""
    known = modules(root)
    module_level, everything, inner = {}, {}, []
    for name, path in sorted(known.items()):
        source = path.read_text()
        tree = ast.parse(source)
        in_functions = {id(node): reason for node, reason in inner_imports(tree, source)}
        module_level[name], everything[name] = set(), set()
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            named = targets(node, name, path.name == "__init__.py", known)
            everything[name].update(named)
            if id(node) in in_functions:
                inner.append((name, node.lineno, named, in_functions[id(node)]))
            else:
                module_level[name].update(named)
    return {
        "inner": sorted(inner, key=lambda row: row[:2]),
        "module_level_cycles": cycles(module_level),
        "cycles": cycles(everything),
    }


def main(argv: list[str]) -> None:
    root = Path(next((arg for arg in argv if not arg.startswith("-")), "."))
    found = census(root)
    inner = found["inner"]
    without = [row for row in inner if not row[3]]
    print(f"imports inside functions: {len(inner)}, of project modules: {sum(1 for row in inner if row[2])}")
    print(f"  with a reason: {len(inner) - len(without)}, without: {len(without)}")
    print(f"cycles at module level: {found['module_level_cycles']}")
    counted = found["cycles"]
    print(f"cycles counting imports inside functions: {len(counted)}")
    for component in counted:
        print(f"  {len(component)}: {', '.join(component)}")
    if "-v" in argv:
        for name, line, named, _ in without:
            print(f"{name}:{line} -> {', '.join(named) or '(outside the project)'}")


if __name__ == "__main__":
    main(sys.argv[1:])
