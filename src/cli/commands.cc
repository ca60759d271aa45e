// The table of subcommands. Each line names a function defined in <name>_command.cc.
#include "cli/command.h"

namespace perfgate::cli {

int version_main(const std::vector<std::string>& args);
int run_main(const std::vector<std::string>& args);
int monitor_main(const std::vector<std::string>& args);
int serve_main(const std::vector<std::string>& args);
int compare_main(const std::vector<std::string>& args);
int report_main(const std::vector<std::string>& args);
int gate_main(const std::vector<std::string>& args);
int plan_main(const std::vector<std::string>& args);
int history_main(const std::vector<std::string>& args);
int merge_main(const std::vector<std::string>& args);
int kube_main(const std::vector<std::string>& args);
int capacity_main(const std::vector<std::string>& args);
int stress_main(const std::vector<std::string>& args);
int scale_main(const std::vector<std::string>& args);

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands = {
      {"run", "load-test a URL or a plan file and print a summary", run_main},
      {"capacity", "find the highest arrival rate that meets every SLO", capacity_main},
      {"stress", "step the load up to a breaking point, then measure recovery", stress_main},
      {"scale", "concurrency or instance sweep with a Universal Scalability Law fit", scale_main},
      {"serve", "run the built-in HTTP target server", serve_main},
      {"plan", "validate a test plan (--check) or explain it (--explain)", plan_main},
      {"report", "write HTML/Markdown/JUnit/CSV/HdrHistogram reports from a results file",
       report_main},
      {"merge", "merge the results files of a distributed run's parts", merge_main},
      {"kube", "write Kubernetes manifests that run a plan as N parts and merge them", kube_main},
      {"compare", "compare results with a baseline (statistics, verdicts)", compare_main},
      {"gate", "evaluate performance gates and write a compliance report", gate_main},
      {"history", "record runs; trends, change points, baselines, regression checks", history_main},
      {"monitor", "watch processes/cgroups: CPU, memory, leaks, findings", monitor_main},
      {"version", "print the version", version_main},
  };
  return kCommands;
}

}  // namespace perfgate::cli
