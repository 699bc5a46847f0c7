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


SOURCE_DIR = pathlib.Path(os.environ.get("VOC_SOURCE_DIR",
                                         pathlib.Path(__file__).resolve().parents[2]))
CODE = ("import voc, sys; print(voc.__file__); print(voc.default_models_dir()); "
        "a = voc.analyze('charged twice, mail me at jane@example.com'); "
        "print(a.text); print(sorted(t['id'] for t in a.themes)[:1])")


def _copy_source(dest):
    """The source tree without build folders (what pip builds from)."""
    shutil.copytree(SOURCE_DIR, dest, ignore=shutil.ignore_patterns(
        "build*", ".git", "__pycache__", "*.egg-info", "dist", ".venv"))
    return dest


def _clean_env(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("VOC_MODELS_DIR", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["VOC_BUILD_DIR"] = BUILD_DIR  # reuse the configured build: no second compile
    env["HOME"] = str(tmp_path)       # no user config or cache of pip
    env["PIP_NO_CACHE_DIR"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


needs_build = pytest.mark.skipif(
    not BUILD_DIR or not shutil.which("cmake") or not os.path.exists("/usr/bin/python3"),
    reason="needs VOC_BUILD_DIR (set by ctest), cmake and Debian's python3")


@needs_build
def test_pip_install_in_a_fresh_venv_works_outside_the_source_tree(tmp_path):
    src = _copy_source(tmp_path / "src")
    venv = tmp_path / "venv"
    # Debian's pip (a system site package) installs into the venv: no download.
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", "--without-pip",
                    str(venv)], check=True)
    py = venv / "bin" / "python"
    env = _clean_env(tmp_path)
    done = subprocess.run([str(py), "-m", "pip", "install", "--no-build-isolation", "--no-index",
                           "--no-deps", str(src)], env=env, cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (src / "voc.egg-info").exists() and not (src / "python" / "voc.egg-info").exists()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = subprocess.run([str(py), "-c", CODE], env=env, cwd=elsewhere, check=True,
                         capture_output=True, text=True).stdout.splitlines()
    package = pathlib.Path(out[0]).parent
    assert package.is_relative_to(venv) and package.parent.name == "site-packages"
    assert pathlib.Path(out[1]) == package / "models"
    assert (package / "models" / "taxonomy.json").is_file()
    assert out[2] == "charged twice, mail me at [EMAIL]"
    assert out[3] != "[]"
    # pip uninstall removes everything it put there, models included.
    subprocess.run([str(py), "-m", "pip", "uninstall", "-y", "voc"], env=env, check=True,
                   capture_output=True)
    assert not package.exists()


@needs_build
def test_build_makes_a_wheel_with_the_extension_and_the_models(tmp_path):
    pytest.importorskip("build")
    import zipfile
    src = _copy_source(tmp_path / "src")
    done = subprocess.run(["/usr/bin/python3", "-m", "build", "--wheel", "--no-isolation",
                           "--outdir", str(tmp_path / "dist"), str(src)],
                          env=_clean_env(tmp_path), cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    wheels = list((tmp_path / "dist").glob("voc-*.whl"))
    assert len(wheels) == 1, wheels
    tag = f"cp{sys.version_info[0]}{sys.version_info[1]}"
    assert f"-{tag}-{tag}-" in wheels[0].name
    names = zipfile.ZipFile(wheels[0]).namelist()
    assert "voc/__init__.py" in names and "voc/pandas.py" in names
    assert "voc/models/taxonomy.json" in names and "voc/models/sentiment.vocm" in names
    assert [n for n in names if n.startswith("voc/_voc") and n.endswith(".so")]


def _package_copy(tmp_path):
    import voc
    pkg = tmp_path / "pkg" / "voc"
    shutil.copytree(pathlib.Path(voc.__file__).parent, pkg,
                    ignore=shutil.ignore_patterns("__pycache__"))
    return pkg


def _import_error(pkg):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(pkg.parent)
    done = subprocess.run([sys.executable, "-c", "import voc"], env=env, cwd=pkg.parent.parent,
                          capture_output=True, text=True)
    assert done.returncode != 0
    return done.stderr


def test_an_extension_built_for_another_python_says_so(tmp_path):
    pkg = _package_copy(tmp_path)
    (so,) = pkg.glob("_voc*.so")
    so.rename(pkg / "_voc.cpython-399-x86_64-linux-gnu.so")
    err = _import_error(pkg)
    assert "built for another Python: _voc.cpython-399-x86_64-linux-gnu.so" in err, err
    assert f"this is cpython {sys.version.split()[0]}" in err
    assert "circular import" not in err


def test_a_missing_extension_says_how_to_build_it(tmp_path):
    pkg = _package_copy(tmp_path)
    for so in pkg.glob("_voc*.so"):
        so.unlink()
    err = _import_error(pkg)
    assert "compiled extension _voc" in err and "is missing from" in err, err
    assert "circular import" not in err
