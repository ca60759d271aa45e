// perfgate: parse, run, report, exit code. Everything else lives in src/<module>/.
#include "cli/command.h"

int main(int argc, char** argv) { return perfgate::cli::dispatch(argc, argv); }
