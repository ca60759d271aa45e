// The results model as the report module names it: the types live in results/results_document.h
// (one model for formatters and analysis); report code uses them as report::ResultsDocument etc.
#pragma once

#include "results/results_document.h"

namespace perfgate::report {

using results::CheckOutcome;
using results::collect_environment;
using results::IntervalHistogram;
using results::make_document;
using results::NamedStats;
using results::PlanMetric;
using results::ResultsDocument;
using results::RunEnvironment;
using results::ThresholdOutcome;

}  // namespace perfgate::report
