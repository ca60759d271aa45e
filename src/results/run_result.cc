#include "results/run_result.h"

namespace perfgate::results {

std::string_view model_name(Model model) { return model == Model::kOpen ? "open" : "closed"; }

}  // namespace perfgate::results
