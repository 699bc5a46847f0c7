// voc: command-line front end of the voc library.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <cerrno>
#include <exception>
#include <iostream>
#include <string>

#include "cli.h"

namespace voc_cli {
boost::program_options::variables_map ParseCommandLine(
    int argc, char** argv, const boost::program_options::options_description& options,
    const boost::program_options::positional_options_description& pos) {
  namespace po = boost::program_options;
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(options).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return vm;
}

std::vector<Command>& Registry() {
  static std::vector<Command> commands;
  return commands;
}
}  // namespace voc_cli

namespace {

void PrintUsage(FILE* out) {
  auto commands = voc_cli::Registry();
  std::sort(commands.begin(), commands.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  std::fprintf(out,
               "usage: voc <command> [options]\n\n"
               "Voice-of-the-Customer text mining: from raw verbatims to routed findings.\n\n"
               "commands:\n");
  for (const auto& c : commands) std::fprintf(out, "  %-10s %s\n", c.name.c_str(), c.summary.c_str());
  std::fprintf(out, "\nRun `voc <command> --help` for the options of a command.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    PrintUsage(stderr);
    return 2;
  }
  std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    PrintUsage(stdout);
    return 0;
  }
  if (name == "--version") {
    std::printf("voc 0.1.0\n");
    return 0;
  }
  for (const auto& c : voc_cli::Registry()) {
    if (c.name != name) continue;
    std::string argv0 = "voc " + name;
    std::vector<char*> args;
    args.push_back(argv0.data());
    for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
    args.push_back(nullptr);
    try {
      const int rc = c.run(static_cast<int>(args.size()) - 1, args.data());
      // Output still buffered (or a full disk, /dev/full) fails here, not silently.
      std::cout.flush();
      if (std::fflush(stdout) != 0 || std::ferror(stdout) || !std::cout) {
        std::fprintf(stderr, "voc: write error on standard output: %s\n", std::strerror(errno ? errno : EIO));
        return 1;
      }
      return rc;
    } catch (const voc_cli::UsageError& e) {
      std::fprintf(stderr, "voc: %s\n", e.what());
      std::fprintf(stderr, "Run `voc %s --help` for usage.\n", name.c_str());
      return 2;
    } catch (const voc_cli::Failure& e) {
      std::fprintf(stderr, "voc: %s\n", e.what());
      return 1;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "voc: %s\n", e.what());
      return 1;
    }
  }
  std::fprintf(stderr, "voc: unknown command '%s'\n", name.c_str());
  PrintUsage(stderr);
  return 2;
}
