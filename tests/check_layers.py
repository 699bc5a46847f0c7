#!/usr/bin/env python3
"""Checks that no file of the library includes a later stage of the data flow.

src/ is grouped in folders, one per stage, in the order of the data flow
(STAGES below; docs/ARCHITECTURE.md draws it). A file may include headers of
its own stage and of earlier ones: private headers by their folder
("text/tokenizer_internal.h") and public headers by the stage that
implements them (PUBLIC). Exits 1 and names every include that points
forward; run by ctest (layers) from the source tree.
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
    "aggregate": "insight", "economics": "insight", "findings": "insight",
    "history": "insight", "discovery": "insight", "report": "insight",
    "voc": "insight",  # the umbrella header
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


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
            for inc in INCLUDE.findall(f.read()):
                stage, why = stage_of_include(inc)
                if why:
                    errors.append(f"include/voc/{name}: {why}")
                elif STAGES.index(stage) > STAGES.index(own):
                    errors.append(f"include/voc/{name}: includes {inc} of the later stage {stage}")
    for e in errors:
        print(e)
    print(f"layers: {len(errors)} forward or unplaced include(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else
                  os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")))
