// Shared plumbing of the `voc` command-line tool: subcommand registry,
// error reporting and exit codes. Only main() chooses the process exit code:
// 0 success, 1 failure, 2 usage error.
#ifndef VOC_EXAMPLES_CLI_CLI_H_
#define VOC_EXAMPLES_CLI_CLI_H_

#include <boost/program_options.hpp>
#include <functional>
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

struct Registrar {
  Registrar(std::string name, std::string summary, CommandFn fn) {
    Registry().push_back({std::move(name), std::move(summary), std::move(fn)});
  }
};

}  // namespace voc_cli

#define VOC_CLI_COMMAND(ident, name, summary, fn) \
  static ::voc_cli::Registrar voc_cli_registrar_##ident(name, summary, fn)

#endif  // VOC_EXAMPLES_CLI_CLI_H_
