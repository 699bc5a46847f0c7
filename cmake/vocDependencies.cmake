# Finds voc's dependencies, all from Debian's packages.
# RE2 (2022-06) and fastText (0.9.2) ship only pkg-config files on Debian 12,
# so they are wrapped here in imported targets of our own.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(ICU 70 REQUIRED COMPONENTS uc i18n data)
find_package(ZLIB REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)

if(NOT TARGET voc_deps_re2)
  pkg_check_modules(VOC_RE2 REQUIRED IMPORTED_TARGET GLOBAL re2)
  add_library(voc_deps_re2 INTERFACE)
  target_link_libraries(voc_deps_re2 INTERFACE PkgConfig::VOC_RE2)
endif()
if(NOT TARGET voc_deps_fasttext)
  pkg_check_modules(VOC_FASTTEXT REQUIRED IMPORTED_TARGET GLOBAL fasttext)
  add_library(voc_deps_fasttext INTERFACE)
  target_link_libraries(voc_deps_fasttext INTERFACE PkgConfig::VOC_FASTTEXT)
endif()
# LIBLINEAR (Debian's liblinear-dev) ships neither CMake nor pkg-config files.
if(NOT TARGET voc_deps_liblinear)
  find_path(VOC_LIBLINEAR_INCLUDE_DIR linear.h REQUIRED)
  find_library(VOC_LIBLINEAR_LIBRARY NAMES linear REQUIRED)
  add_library(voc_deps_liblinear INTERFACE)
  target_include_directories(voc_deps_liblinear INTERFACE ${VOC_LIBLINEAR_INCLUDE_DIR})
  target_link_libraries(voc_deps_liblinear INTERFACE ${VOC_LIBLINEAR_LIBRARY})
endif()
