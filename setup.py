"""Builds the `voc` Python package with the project's CMake (no network).

    pip install --no-build-isolation --no-index .       # into the current (v)env
    python3 -m build --wheel --no-isolation              # dist/voc-*.whl

The `_voc` extension is built by CMake: in a fresh build folder under
build/setuptools (with ccache when it is installed), or, when VOC_BUILD_DIR
names a build folder configured with -DVOC_BUILD_PYTHON=ON for this same
interpreter, there (only the `_voc` target is brought up to date). The
shipped models are copied into the package (voc/models), which finds them
there. CMAKE_BUILD_PARALLEL_LEVEL sets the build jobs (default 2).
"""
import glob
import os
import pathlib
import re
import shutil
import subprocess
import sys
import sysconfig

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

ROOT = pathlib.Path(__file__).resolve().parent
BUILD_BASE = "build/setuptools"


def _version():
    text = (ROOT / "CMakeLists.txt").read_text(encoding="utf-8")
    m = re.search(r"project\(voc\s+VERSION\s+([0-9.]+)", text)
    if not m:
        raise RuntimeError("cannot read the project version from CMakeLists.txt")
    return m.group(1)


def _run(cmd, **kwargs):
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


class CMakeBuildExt(build_ext):
    """Builds `voc._voc` with CMake instead of compiling sources itself."""

    def build_extension(self, ext):
        if shutil.which("cmake") is None:
            raise RuntimeError("building voc needs cmake (Debian: apt-get install cmake; "
                               "see .ci/install-deps for the other build dependencies)")
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        env = dict(os.environ)
        env.setdefault("CMAKE_BUILD_PARALLEL_LEVEL", "2")
        build_dir = os.environ.get("VOC_BUILD_DIR")
        if build_dir:
            build_dir = pathlib.Path(build_dir).resolve()
            if not (build_dir / "CMakeCache.txt").is_file():
                raise RuntimeError(f"VOC_BUILD_DIR={build_dir} is not a configured CMake build folder")
        else:
            build_dir = pathlib.Path(self.build_temp).resolve() / "cmake"
            cmd = ["cmake", "-S", ROOT, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
                   "-DVOC_BUILD_PYTHON=ON", "-DVOC_BUILD_TESTS=OFF", "-DVOC_BUILD_EXAMPLES=OFF",
                   "-DVOC_BUILD_BENCHMARKS=OFF", "-DVOC_BUILD_FUZZERS=OFF", "-DVOC_INSTALL=OFF",
                   f"-DPython_EXECUTABLE={sys.executable}"]
            if shutil.which("ccache"):
                cmd += ["-DCMAKE_CXX_COMPILER_LAUNCHER=ccache", "-DCMAKE_C_COMPILER_LAUNCHER=ccache"]
            _run(cmd, env=env)
        _run(["cmake", "--build", build_dir, "--target", "_voc"], env=env)
        built = build_dir / "python" / "voc" / f"_voc{suffix}"
        if not built.is_file():
            found = sorted(os.path.basename(p)
                           for p in glob.glob(str(build_dir / "python" / "voc" / "_voc*.so")))
            raise RuntimeError(
                f"{build_dir} holds no _voc{suffix} for this interpreter ({sys.executable}, "
                f"Python {sys.version.split()[0]}); it has {found or 'none'}: configure it "
                f"with -DPython_EXECUTABLE={sys.executable} or unset VOC_BUILD_DIR")
        target = pathlib.Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)


class BuildPyWithModels(build_py):
    """Copies the shipped models into the package (voc/models)."""

    def run(self):
        super().run()
        dest = pathlib.Path(self.build_lib) / "voc" / "models"
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        for f in sorted((ROOT / "models").iterdir()):
            if f.is_file() and f.suffix in (".json", ".vocm", ".tsv", ".md"):
                shutil.copyfile(f, dest / f.name)


os.makedirs(BUILD_BASE, exist_ok=True)  # egg_info writes there, not in the source tree
setup(
    version=_version(),
    packages=["voc"],
    package_dir={"voc": "python/voc"},
    ext_modules=[Extension("voc._voc", sources=[])],
    cmdclass={"build_ext": CMakeBuildExt, "build_py": BuildPyWithModels},
    zip_safe=False,
    options={"build": {"build_base": BUILD_BASE},
             "egg_info": {"egg_base": BUILD_BASE}},
)
