"""`cmake --install` puts an importable voc package (with its models) under
the prefix."""
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

BUILD_DIR = os.environ.get("VOC_BUILD_DIR")


@pytest.mark.skipif(not BUILD_DIR or not shutil.which("cmake"),
                    reason="needs VOC_BUILD_DIR (set by ctest) and cmake")
def test_install_tree_imports_and_finds_its_models(tmp_path):
    prefix = tmp_path / "prefix"
    subprocess.run(["cmake", "--install", BUILD_DIR, "--prefix", str(prefix)], check=True,
                   stdout=subprocess.DEVNULL)
    inits = list(prefix.glob("lib/**/voc/__init__.py"))
    assert len(inits) == 1, inits
    site = inits[0].parent.parent
    assert site.name in ("dist-packages", "site-packages")
    assert list(site.glob("voc/_voc*.so"))
    env = {k: v for k, v in os.environ.items() if k not in ("VOC_MODELS_DIR", "PYTHONPATH")}
    env["PYTHONPATH"] = str(site)
    code = ("import voc; print(voc.__file__); print(voc.default_models_dir()); "
            "a = voc.analyze('charged twice, mail me at jane@example.com'); "
            "print(a.text); print(bool(a.themes))")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, check=True,
                         capture_output=True, text=True).stdout.splitlines()
    assert pathlib.Path(out[0]).is_relative_to(prefix)
    assert pathlib.Path(out[1]) == prefix / "share" / "voc" / "models"
    assert out[2] == "charged twice, mail me at [EMAIL]" and out[3] == "True"
