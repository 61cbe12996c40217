"""A minimal jsii host in Python, for running a Python cdktf program here without PyPI.

The real Python packages (jsii-pacmak's generated `cdktf_dli_packages`, and the `jsii` runtime
they import) cannot be installed on a machine that reaches no PyPI. This host does the part of
the jsii Python runtime such a program needs, over the same wire: it starts @jsii/runtime's
kernel program (`node jsii-runtime.js`), loads the tarballs, and serves each assembly as a Python
module (`cdktf`, `constructs`, `cdktf_dli_packages`, ...) whose classes create, invoke and get
by fully qualified name, the way generated code does: positional arguments as given, keyword
arguments folded into the struct that is the initializer's (or method's) last parameter, with
snake_case names turned into the struct's camelCase fields; enum members as
{"$jsii.enum": "fqn/MEMBER"}; object references as proxies of their class. Enough for the
quickstart and examples/python, not a general runtime (no callbacks, overrides or interfaces).

Usage: python3 jsii_host.py PROGRAM.py, with JSII_HOST_RUNTIME (the path of jsii-runtime.js) and
JSII_HOST_ASSEMBLIES (a JSON list of {"tarball": ..., "assembly": <path of its .jsii>}) set.
PROGRAM.py runs unchanged as __main__.
"""

import json
import os
import re
import runpy
import subprocess
import sys
import tempfile
import types


class JSIIError(Exception):
    """An error the kernel answered with (the real runtime raises this type too)."""


class Kernel:
    def __init__(self, program):
        self._stderr = tempfile.TemporaryFile()
        self._proc = subprocess.Popen(
            ["node", program], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, text=True
        )
        hello = self._read()
        if "hello" not in hello:
            raise JSIIError(f"unexpected greeting: {hello}")

    def _read(self):
        line = self._proc.stdout.readline()
        if not line:
            self._stderr.seek(0)
            raise JSIIError(f"kernel exited: {self._stderr.read().decode(errors='replace')[-2000:]}")
        return json.loads(line)

    def request(self, message):
        self._proc.stdin.write(json.dumps(message) + "\n")
        self._proc.stdin.flush()
        answer = self._read()
        if "error" in answer:
            raise JSIIError(answer["error"])
        if "callback" in answer:
            raise JSIIError(f"callbacks are not supported by this host: {answer['callback']}")
        return answer.get("ok")

    def close(self):
        self._proc.stdin.close()
        self._proc.wait(timeout=10)


KERNEL = None
CLASSES = {}  # fqn -> proxy class
TYPES = {}  # fqn -> jsii type spec


def camel(name):
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), name)


class EnumMember:
    def __init__(self, fqn, member):
        self.ref = {"$jsii.enum": f"{fqn}/{member}"}

    def __repr__(self):
        return self.ref["$jsii.enum"]


def to_wire(value):
    if isinstance(value, JsiiObject):
        return value._ref
    if isinstance(value, EnumMember):
        return value.ref
    if isinstance(value, (list, tuple)):
        return [to_wire(v) for v in value]
    if isinstance(value, dict):
        return {k: to_wire(v) for k, v in value.items()}
    return value


def from_wire(value):
    if isinstance(value, dict) and "$jsii.byref" in value:
        fqn = value["$jsii.byref"].rsplit("@", 1)[0]
        proxy = object.__new__(CLASSES.get(fqn, JsiiObject))
        proxy._ref = value
        return proxy
    if isinstance(value, dict) and "$jsii.enum" in value:
        fqn, member = value["$jsii.enum"].rsplit("/", 1)
        return EnumMember(fqn, member)
    if isinstance(value, list):
        return [from_wire(v) for v in value]
    if isinstance(value, dict):
        return {k: from_wire(v) for k, v in value.items()}
    return value


def struct_parameter(parameters):
    """The last parameter when it is a struct (its fields become keyword arguments in Python)."""
    if not parameters:
        return None
    fqn = parameters[-1].get("type", {}).get("fqn")
    spec = TYPES.get(fqn)
    return parameters[-1] if spec and spec.get("kind") == "interface" and spec.get("datatype") else None


def arguments(parameters, args, kwargs):
    wire = [to_wire(a) for a in args]
    if kwargs:
        if struct_parameter(parameters) is None:
            raise TypeError(f"unexpected keyword arguments {sorted(kwargs)}")
        wire += [None] * (len(parameters) - 1 - len(wire))
        wire.append({camel(k): to_wire(v) for k, v in kwargs.items()})
    return wire


def member_spec(fqn, name, kind):
    """A method or property of a class or its bases, by jsii name."""
    while fqn:
        spec = TYPES.get(fqn, {})
        for member in spec.get(kind, []):
            if member["name"] == name:
                return member
        fqn = spec.get("base")
    return None


class JsiiObject:
    __jsii_fqn__ = None

    def __init__(self, *args, **kwargs):
        fqn = type(self).__jsii_fqn__
        # A Python subclass of a jsii class creates the nearest jsii base (no overrides here).
        for klass in type(self).__mro__:
            if getattr(klass, "__jsii_fqn__", None):
                fqn = klass.__jsii_fqn__
                break
        parameters = (TYPES[fqn].get("initializer") or {}).get("parameters", [])
        self._ref = KERNEL.request(
            {"api": "create", "fqn": fqn, "args": arguments(parameters, args, kwargs), "overrides": [], "interfaces": []}
        )

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        fqn = self._ref["$jsii.byref"].rsplit("@", 1)[0]
        jsii_name = camel(name)
        method = member_spec(fqn, jsii_name, "methods")
        if method is not None:
            def call(*args, **kwargs):
                wire = arguments(method.get("parameters", []), args, kwargs)
                result = KERNEL.request({"api": "invoke", "objref": self._ref, "method": jsii_name, "args": wire})
                return from_wire((result or {}).get("result"))
            return call
        if member_spec(fqn, jsii_name, "properties") is not None:
            return from_wire(KERNEL.request({"api": "get", "objref": self._ref, "property": jsii_name}).get("value"))
        raise AttributeError(f"{fqn} has no member {jsii_name}")


def static_method(fqn, method):
    def call(*args, **kwargs):
        wire = arguments(method.get("parameters", []), args, kwargs)
        result = KERNEL.request({"api": "sinvoke", "fqn": fqn, "method": method["name"], "args": wire})
        return from_wire((result or {}).get("result"))
    return staticmethod(call)


def python_name(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def install_assembly(assembly):
    module_name = assembly.get("targets", {}).get("python", {}).get("module", assembly["name"])
    module = types.ModuleType(module_name)
    prefix = assembly["name"] + "."
    for fqn, spec in assembly.get("types", {}).items():
        TYPES[fqn] = spec
    for fqn, spec in assembly.get("types", {}).items():
        name = fqn[len(prefix):]
        if "." in name:
            continue  # submodules: not needed here
        if spec["kind"] == "enum":
            setattr(module, name, type(name, (), {m["name"]: EnumMember(fqn, m["name"]) for m in spec["members"]}))
        elif spec["kind"] == "class":
            attributes = {"__jsii_fqn__": fqn}
            for method in spec.get("methods", []):
                if method.get("static"):
                    attributes[python_name(method["name"])] = static_method(fqn, method)
            CLASSES[fqn] = type(name, (JsiiObject,), attributes)
            setattr(module, name, CLASSES[fqn])
    sys.modules[module_name] = module


def main():
    global KERNEL
    program = sys.argv[1]
    KERNEL = Kernel(os.environ["JSII_HOST_RUNTIME"])
    for entry in json.loads(os.environ["JSII_HOST_ASSEMBLIES"]):
        with open(entry["assembly"], encoding="utf-8") as f:
            assembly = json.load(f)
        KERNEL.request({"api": "load", "name": assembly["name"], "version": assembly["version"], "tarball": entry["tarball"]})
        install_assembly(assembly)
    # Class bases across assemblies (a cdktf class extending constructs.Construct) resolve by fqn.
    sys.argv = [program]
    try:
        runpy.run_path(program, run_name="__main__")
    finally:
        KERNEL.close()


if __name__ == "__main__":
    main()
