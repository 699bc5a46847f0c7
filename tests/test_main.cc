// The test runner: doctest's, with a temporary folder of its own.
//
// Tests write scratch files under std::filesystem::temp_directory_path()
// with fixed names; ctest runs several test processes at once (and a
// developer may run a second suite beside it), so each process gets its own
// folder through TMPDIR, removed at exit.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path dir = fs::temp_directory_path(ec) / ("voc_tests." + std::to_string(getpid()));
  const bool own = !ec && fs::create_directories(dir, ec) && !ec;
  if (own) setenv("TMPDIR", dir.c_str(), 1);
  doctest::Context context(argc, argv);
  const int rc = context.run();
  if (own) fs::remove_all(dir, ec);
  return rc;
}
