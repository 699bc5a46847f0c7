#!/bin/sh
# Installs the built voc into a scratch prefix, then builds and runs a consumer
# through find_package(voc CONFIG) and through pkg-config.
# usage: run.sh BUILD_DIR SOURCE_DIR WORK_DIR
set -eu
build=$1; src=$2; work=$3
rm -rf "$work"; mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
cmake -S "$src/tests/find_package" -B "$work/cmake-consumer" -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/configure.log"
cmake --build "$work/cmake-consumer" > "$work/build.log"
"$work/cmake-consumer/voc_consumer"
export PKG_CONFIG_PATH="$(dirname "$(find "$work/prefix" -name voc.pc | head -n 1)")"
c++ -std=c++17 -o "$work/pc-consumer" "$src/tests/find_package/consumer.cc" $(pkg-config --cflags voc) $(pkg-config --libs --static voc)
"$work/pc-consumer"
