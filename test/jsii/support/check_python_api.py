"""Checks a Python program against the `cdktf_dli_packages` module jsii-pacmak generated.

Usage: python3 check_python_api.py GENERATED/__init__.py PROGRAM.py

Reads both with `ast` (the generated module imports the `jsii` runtime, which cannot be installed
here, so it is parsed, not imported). Every use the program makes of a name imported from
cdktf_dli_packages must exist there: the class or enum, each keyword argument of a constructor
call (the struct's fields, keyword-only parameters of the generated __init__), each attribute of
an enum or class (`ResourceType.TERRAFORM_DATA`, `Duration.minutes`), and each method or property
used on a variable or attribute bound to a constructed object (`group.package_ref(...)`).
Prints `checked N uses of cdktf_dli_packages` and exits 0, or prints each problem to stderr and
exits 1.
"""

import ast
import sys

MODULE = "cdktf_dli_packages"


def generated_api(path):
    """class name -> {"bases": [...], "kwargs": set, "members": set} from the generated module."""
    tree = ast.parse(open(path, encoding="utf-8").read())
    classes = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        info = {"bases": [b.id for b in node.bases if isinstance(b, ast.Name)], "kwargs": set(), "positional": 0, "members": set()}
        for item in node.body:
            if isinstance(item, ast.FunctionDef):
                if item.name == "__init__":
                    info["kwargs"] = {a.arg for a in item.args.kwonlyargs}
                    info["positional"] = len(item.args.args) - 1
                else:
                    info["members"].add(item.name)
            elif isinstance(item, ast.Assign):
                info["members"].update(t.id for t in item.targets if isinstance(t, ast.Name))
        classes[node.name] = info
    return classes


def lookup(classes, name, member):
    while name in classes:
        if member in classes[name]["members"]:
            return True
        bases = [b for b in classes[name]["bases"] if b in classes]
        name = bases[0] if bases else None
    return False


def target_key(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


def main():
    classes = generated_api(sys.argv[1])
    program = ast.parse(open(sys.argv[2], encoding="utf-8").read())
    imported = {}
    for node in ast.walk(program):
        if isinstance(node, ast.ImportFrom) and node.module == MODULE:
            for alias in node.names:
                imported[alias.asname or alias.name] = alias.name
    problems = []
    checked = 0
    for local, name in imported.items():
        checked += 1
        if name not in classes:
            problems.append(f"{MODULE} has no {name}")
    bound = {}  # variable or self.attribute -> class constructed into it
    for node in ast.walk(program):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name):
            if node.value.func.id in imported:
                for target in node.targets:
                    key = target_key(target)
                    if key:
                        bound[key] = imported[node.value.func.id]
    for node in ast.walk(program):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in imported:
            name = imported[node.func.id]
            info = classes.get(name)
            if info is None:
                continue
            checked += 1
            for keyword in node.keywords:
                if keyword.arg not in info["kwargs"]:
                    problems.append(f"{name}() has no keyword argument '{keyword.arg}' (it has: {', '.join(sorted(info['kwargs']))})")
            if len(node.args) > info["positional"]:
                problems.append(f"{name}() takes {info['positional']} positional arguments, the program passes {len(node.args)}")
        elif isinstance(node, ast.Attribute):
            owner = target_key(node.value)
            if isinstance(node.value, ast.Name) and node.value.id in imported:
                name = imported[node.value.id]
            elif owner in bound:
                name = bound[owner]
            else:
                continue
            checked += 1
            if not lookup(classes, name, node.attr):
                problems.append(f"{name} has no member '{node.attr}'")
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        sys.exit(1)
    print(f"checked {checked} uses of {MODULE}")


if __name__ == "__main__":
    main()
