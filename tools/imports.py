"""The import census of docs/architecture.md: imports inside functions, and import cycles.

    python3 tools/imports.py [ROOT] [-v]

Reads the project's packages (casefiles, cms, search, themes, config; tests and migrations
aside) with ``ast``: how many imports sit inside functions (the goal: only those with a written
reason), and the cycles of the module graph — at module level, and counting the imports inside
functions too (import-linter checks the components' contracts; this counts modules). ``-v``
lists every import inside a function."""
import ast, sys, os
from pathlib import Path
ROOT = Path(next((a for a in sys.argv[1:] if not a.startswith("-")), "."))
PKGS = ("casefiles", "cms", "search", "themes", "config")
mods = {}
for pkg in PKGS:
    for p in (ROOT / pkg).rglob("*.py"):
        rel = p.relative_to(ROOT)
        if "migrations" in rel.parts or "tests" in rel.parts:
            continue
        name = ".".join(rel.with_suffix("").parts)
        if name.endswith(".__init__"):
            name = name[: -len(".__init__")]
        mods[name] = p
def resolve(cur, node, ispkg):
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = cur.split(".")
            base = base if ispkg else base[:-1]
            base = base[: len(base) - (node.level - 1)]
            mod = ".".join(base + ([node.module] if node.module else []))
        else:
            mod = node.module or ""
        out = []
        for a in node.names:
            cand = mod + "." + a.name
            out.append(cand if cand in mods else mod)
        return out
    return [a.name for a in node.names]
def owner(m):
    while m and m not in mods:
        m = m.rpartition(".")[0]
    return m
top, allg, inner = {}, {}, []
for name, p in mods.items():
    tree = ast.parse(p.read_text())
    ispkg = p.name == "__init__.py"
    top[name], allg[name] = set(), set()
    infunc = set()
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for n in ast.walk(fn):
                if isinstance(n, (ast.Import, ast.ImportFrom)):
                    infunc.add(id(n))
    for n in ast.walk(tree):
        if isinstance(n, (ast.Import, ast.ImportFrom)):
            targets = [owner(t) for t in resolve(name, n, ispkg)]
            targets = [t for t in targets if t and t != name]
            if id(n) in infunc:
                inner.append((name, n.lineno, targets))
            for t in targets:
                allg[name].add(t)
                if id(n) not in infunc and not (isinstance(n, ast.ImportFrom) and False):
                    top[name].add(t)
def sccs(g):
    idx, low, st, on, res, c = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)
    def sc(v):
        idx[v] = low[v] = c[0]; c[0] += 1; st.append(v); on.add(v)
        for w in g.get(v, ()):
            if w not in idx: sc(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], idx[w])
        if low[v] == idx[v]:
            comp = []
            while True:
                w = st.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1: res.append(sorted(comp))
    for v in list(g): 
        if v not in idx: sc(v)
    return res
# package __init__ edges: a module importing pkg.sub also imports pkg; ignore that (Python semantics) for simplicity
print("inner imports:", len(inner), " of which project:", sum(1 for _, _, t in inner if t))
print("module-level cycles:", [c for c in sccs(top)])
print("cycles counting inner imports:", len(sccs(allg)))
for c in sccs(allg): print("  ", len(c), c[:12])
if "-v" in sys.argv:
    for m, l, t in inner: print(m, l, t)
