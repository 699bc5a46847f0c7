// Shared plumbing of the `voc` command-line tool: subcommand registry,
// error reporting and exit codes. Only main() chooses the process exit code:
// 0 success, 1 failure, 2 usage error.
#ifndef VOC_EXAMPLES_CLI_CLI_H_
#define VOC_EXAMPLES_CLI_CLI_H_

#include <boost/program_options.hpp>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace voc_cli {

// Thrown by a subcommand for a bad command line; main() prints
// "voc: <message>" and exits with 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Thrown for a failure while running; main() prints "voc: <message>", exits 1.
struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parses `argv` against `options` with positional arguments bound by `pos`;
// throws UsageError with boost's message on a bad command line.
boost::program_options::variables_map ParseCommandLine(
    int argc, char** argv, const boost::program_options::options_description& options,
    const boost::program_options::positional_options_description& pos = {});

// A subcommand receives argv with argv[0] = "voc <name>".
using CommandFn = std::function<int(int argc, char** argv)>;

struct Command {
  std::string name;
  std::string summary;
  CommandFn run;
};

std::vector<Command>& Registry();

// Checks a --threads value: UsageError when negative; above voc::MaxThreads()
// it warns on stderr and returns the cap.
int CheckThreads(int threads);

struct Registrar {
  Registrar(std::string name, std::string summary, CommandFn fn) {
    Registry().push_back({std::move(name), std::move(summary), std::move(fn)});
  }
};

// Lets `p` go without destroying it, on a command's way out: the process
// exits next and the kernel takes its memory back at once, where freeing an
// Analyzer's patterns and models block by block (and unmapping its models)
// took 2-3 ms (strace -r of `voc analyze` on an empty file). Builds with
// AddressSanitizer (whose leak check would report it) destroy it as usual.
template <typename T>
void ReleaseAtExit(std::unique_ptr<T> p) {
#if defined(__SANITIZE_ADDRESS__)
  p.reset();
#else
  (void)p.release();
#endif
}

}  // namespace voc_cli

#define VOC_CLI_COMMAND(ident, name, summary, fn) \
  static ::voc_cli::Registrar voc_cli_registrar_##ident(name, summary, fn)

#endif  // VOC_EXAMPLES_CLI_CLI_H_
