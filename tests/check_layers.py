#!/usr/bin/env python3
"""Checks the layering of the library: no forward include, no internals in public headers.

src/ is grouped in folders, one per stage, in the order of the data flow
(STAGES below; docs/ARCHITECTURE.md draws it). A file may include headers of
its own stage and of earlier ones: private headers by their folder
("text/tokenizer_internal.h") and public headers by the stage that
implements them (PUBLIC).

The public headers (include/voc/*.h) name no internal type and keep each
pimpl private: no `internal::` and no `namespace internal` in their code, no
`friend` but the one access idiom `friend class ImplAccess;`
(src/util/impl_access.h), and every `struct Impl;` declared under
`private:`.

Exits 1 and names every violation; run by ctest (layers) from the source
tree; tests/check_layers_test.py shows that each rule can fail.
"""
import os
import re
import sys

STAGES = ["util", "core", "io", "classifier", "text", "patterns", "sentiment",
          "themes", "pipeline", "insight"]
PUBLIC = {
    "status": "util", "json": "util", "parallel": "util", "files": "util",
    "analysis": "core",
    "reader": "io", "conversation": "io",
    "classifier": "classifier",
    "normalizer": "text", "redactor": "text", "tokenizer": "text", "language": "text",
    "sentiment": "sentiment",
    "taxonomy": "themes", "signals": "themes",
    "analyzer": "pipeline", "adapter": "pipeline", "pipeline": "pipeline",
    "model_input": "pipeline",
    "aggregate": "insight", "economics": "insight", "findings": "insight",
    "history": "insight", "discovery": "insight", "report": "insight",
    "voc": "insight",  # the umbrella header
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
ACCESS_FRIEND = "friend class ImplAccess;"
ACCESS = re.compile(r"^\s*(public|private|protected)\s*:")
CLASS_OPEN = re.compile(r"^\s*(class|struct)\s+\w+(\s+final)?\s*(:[^{;]*)?\{")


def code_lines(text):
    """The lines of C++ `text` without comments and string literals."""
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    text = re.sub(r'"(\\.|[^"\\\n])*"', '""', text)
    return [re.sub(r"//.*", "", line) for line in text.split("\n")]


def public_header_errors(name, text):
    """Internal names, friends and public pimpls in the public header `name`."""
    errors = []
    access = []  # the access of the classes open at each line, innermost last
    depth = 0
    opened = []  # brace depth at which each open class started
    for no, line in enumerate(code_lines(text), 1):
        where = f"include/voc/{name}:{no}"
        if re.search(r"\binternal\s*::", line) or re.search(r"\bnamespace\s+internal\b", line):
            errors.append(f"{where}: names an internal type ({line.strip()})")
        if re.search(r"\bfriend\b", line) and line.strip() != ACCESS_FRIEND:
            errors.append(f"{where}: a friend other than `{ACCESS_FRIEND}` ({line.strip()})")
        m = CLASS_OPEN.match(line)
        if m:
            access.append("private" if m.group(1) == "class" else "public")
            opened.append(depth)
        m = ACCESS.match(line)
        if m and access:
            access[-1] = m.group(1)
        if re.match(r"^\s*struct\s+Impl\s*;", line) and (not access or access[-1] != "private"):
            errors.append(f"{where}: `struct Impl;` is not private")
        depth += line.count("{") - line.count("}")
        while opened and depth <= opened[-1]:
            opened.pop()
            access.pop()
    return errors


def stage_of_include(name):
    if name.startswith("voc/"):
        base = name[4:].rsplit(".", 1)[0]
        if base not in PUBLIC:
            return None, f"public header {name} has no stage in check_layers.py"
        return PUBLIC[base], None
    folder = name.split("/", 1)[0]
    if "/" not in name or folder not in STAGES:
        return None, f"private include {name} is not written as <stage>/<file>"
    return folder, None


def main(root):
    errors = []
    src = os.path.join(root, "src")
    for folder in sorted(os.listdir(src)):
        path = os.path.join(src, folder)
        if not os.path.isdir(path):
            errors.append(f"src/{folder}: files belong in a stage folder")
            continue
        if folder not in STAGES:
            errors.append(f"src/{folder}: not a stage ({', '.join(STAGES)})")
            continue
        for name in sorted(os.listdir(path)):
            with open(os.path.join(path, name), encoding="utf-8") as f:
                text = f.read()
            for inc in INCLUDE.findall(text):
                stage, why = stage_of_include(inc)
                if why:
                    errors.append(f"src/{folder}/{name}: {why}")
                elif STAGES.index(stage) > STAGES.index(folder):
                    errors.append(f"src/{folder}/{name}: includes {inc} of the later stage {stage}")
    inc_dir = os.path.join(root, "include", "voc")
    for name in sorted(os.listdir(inc_dir)):
        if not name.endswith(".h"):
            continue
        own, why = stage_of_include("voc/" + name)
        if why:
            errors.append(why)
            continue
        with open(os.path.join(inc_dir, name), encoding="utf-8") as f:
            text = f.read()
            errors.extend(public_header_errors(name, text))
            for inc in INCLUDE.findall(text):
                stage, why = stage_of_include(inc)
                if why:
                    errors.append(f"include/voc/{name}: {why}")
                elif STAGES.index(stage) > STAGES.index(own):
                    errors.append(f"include/voc/{name}: includes {inc} of the later stage {stage}")
    for e in errors:
        print(e)
    print(f"layers: {len(errors)} forward or unplaced include(s) or internals in public headers")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else
                  os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")))
