#include "plan/segment.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "plan/schedule.h"

namespace perfgate::plan {
namespace {

ExecutionSegment seg(std::string_view text) { return *parse_execution_segment(text); }

SegmentTuple tuple(std::string_view segment, std::string_view sequence = "") {
  std::vector<Fraction> points;
  if (!sequence.empty()) points = *parse_segment_sequence(sequence);
  auto t = SegmentTuple::make(seg(segment), points);
  EXPECT_TRUE(t) << (t ? "" : t.error().describe());
  return *t;
}

// The N equal segments 0:1/N ... (N-1)/N:1 with the sequence 0,1/N,...,1.
std::vector<SegmentTuple> equal_parts(int n) {
  std::string sequence = "0";
  for (int i = 1; i <= n; ++i) sequence += "," + std::to_string(i) + "/" + std::to_string(n);
  std::vector<SegmentTuple> parts;
  for (int i = 0; i < n; ++i) {
    parts.push_back(tuple(std::to_string(i) + "/" + std::to_string(n) + ":" +
                              std::to_string(i + 1) + "/" + std::to_string(n),
                          sequence));
  }
  return parts;
}

TEST(ExecutionSegment, ParsesFractionsPercentagesDecimalsAndShorthands) {
  EXPECT_EQ(seg("1/4:2/4"), (ExecutionSegment{{1, 4}, {1, 2}}));
  EXPECT_EQ(seg("25%:50%"), (ExecutionSegment{{1, 4}, {1, 2}}));
  EXPECT_EQ(seg("0.25:0.5"), (ExecutionSegment{{1, 4}, {1, 2}}));
  EXPECT_EQ(seg("1/4"), (ExecutionSegment{{0, 1}, {1, 4}}));
  EXPECT_EQ(seg(""), (ExecutionSegment{{0, 1}, {1, 1}}));
  EXPECT_EQ(seg("2/4:1").text(), "1/2:1");
  for (const char* bad :
       {"1/2:1/4", "1/4:1/4", "0:2", "a", "1/0", "-1/4:1", "1/4:", "1//4", "0.1234567"}) {
    EXPECT_FALSE(parse_execution_segment(bad)) << bad;
  }
}

TEST(ExecutionSegment, SequencesMustIncreaseWithinZeroToOne) {
  auto points = parse_segment_sequence("0,1/4,2/4,3/4,1");
  ASSERT_TRUE(points);
  EXPECT_EQ(points->size(), 5u);
  EXPECT_EQ((*points)[2], (Fraction{1, 2}));
  for (const char* bad : {"0", "0,1/2,1/2,1", "0,3/4,1/2", "0,2", "0,,1"}) {
    EXPECT_FALSE(parse_segment_sequence(bad)) << bad;
  }
  EXPECT_FALSE(SegmentTuple::make(seg("0:1/2"), *parse_segment_sequence("0,1/3,2/3,1")));
}

TEST(ExecutionSegment, StripesLikeK6) {
  // k6's example: 0:1/2 owns 0 2 4 6 ..., 1/2:3/4 owns 1 5 9 ..., 3/4:1 owns 3 7 11 ...
  EXPECT_EQ(stripe_owners(*parse_segment_sequence("0,1/2,3/4,1")), (std::vector<int>{0, 1, 0, 2}));
  const SegmentTuple half = tuple("0:1/2", "0,1/2,3/4,1");
  const SegmentTuple quarter = tuple("1/2:3/4", "0,1/2,3/4,1");
  const SegmentTuple last = tuple("3/4:1", "0,1/2,3/4,1");
  EXPECT_EQ(half.nth(3), 6u);
  EXPECT_EQ(quarter.nth(2), 9u);
  EXPECT_EQ(last.nth(2), 11u);
  // ScaleInt64 of 1..12 as k6's table lists it.
  const std::vector<std::int64_t> half_scaled{1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6};
  const std::vector<std::int64_t> quarter_scaled{0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3};
  for (int v = 1; v <= 12; ++v) {
    EXPECT_EQ(half.scale(v), half_scaled[v - 1]) << v;
    EXPECT_EQ(quarter.scale(v), quarter_scaled[v - 1]) << v;
    EXPECT_EQ(half.scale(v) + quarter.scale(v) + last.scale(v), v);
  }
}

TEST(ExecutionSegment, WithoutASequenceTheSegmentIsCompleted) {
  const SegmentTuple t = tuple("1/4:1/2");
  EXPECT_EQ(t.sequence().size(), 4u);  // 0, 1/4, 1/2, 1
  EXPECT_EQ(t.scale(4), 1);
  EXPECT_TRUE(SegmentTuple().full());
  EXPECT_EQ(SegmentTuple().scale(17), 17);
  EXPECT_TRUE(tuple("0:1").full());
}

TEST(ExecutionSegment, EqualPartsPartitionEveryIndexAndAddUp) {
  for (int n : {2, 3, 4, 7}) {
    const auto parts = equal_parts(n);
    for (std::uint64_t k = 0; k < 1000; ++k) {
      int owners = 0;
      for (const SegmentTuple& p : parts) {
        if (!p.owns(k)) continue;
        ++owners;
        EXPECT_EQ(p.nth(p.rank(k)), k);
      }
      EXPECT_EQ(owners, 1) << k;
    }
    for (std::int64_t v = 0; v < 200; ++v) {
      std::int64_t sum = 0;
      for (const SegmentTuple& p : parts) sum += p.scale(v);
      EXPECT_EQ(sum, v);
    }
  }
}

Scenario ramping_rate() {
  Scenario s;
  s.executor = ExecutorKind::kRampingArrivalRate;
  s.start_rate = 3;
  s.stages = {{2 * kSecond, 50, {}}, {kSecond, 50, {}}, {2 * kSecond, 7, {}}};
  s.pre_allocated_vus = 7;
  s.max_vus = 13;
  return s;
}

// Every arrival instant of the whole scenario, gathered from N segments x W workers.
std::vector<Nanos> split_instants(const Scenario& s, const std::vector<SegmentTuple>& parts,
                                  int workers) {
  std::vector<Nanos> all;
  for (const SegmentTuple& p : parts) {
    for (int w = 0; w < workers; ++w) {
      SharedArrivalTimes times(s, WorkerShare(p, w, workers));
      while (auto t = times.next()) all.push_back(*t);
    }
  }
  std::sort(all.begin(), all.end());
  return all;
}

TEST(SegmentSchedule, ArrivalInstantsOfTheSegmentsAreExactlyTheWholeSchedule) {
  Scenario constant;
  constant.executor = ExecutorKind::kConstantArrivalRate;
  constant.rate = 37;
  constant.duration = 3 * kSecond;
  Scenario poisson = ramping_rate();
  poisson.arrival = ArrivalMode::kPoisson;
  for (const Scenario& s : {ramping_rate(), constant, poisson}) {
    const std::vector<Nanos> whole = arrival_start_times(s);
    ASSERT_GT(whole.size(), 50u);
    for (int n : {2, 3, 4}) {
      for (int workers : {1, 2, 3}) {
        EXPECT_EQ(split_instants(s, equal_parts(n), workers), whole) << n << "x" << workers;
      }
      std::int64_t planned = 0;
      for (const SegmentTuple& p : equal_parts(n)) planned += planned_iterations(s, p).value_or(0);
      if (auto w = planned_iterations(s)) {
        EXPECT_EQ(planned, *w);
      }
    }
  }
}

TEST(SegmentSchedule, SegmentsInterleaveInstantsRatherThanSplitTime) {
  // Each of 4 parts owns every 4th instant: its first start is within the first four.
  const std::vector<Nanos> whole = arrival_start_times(ramping_rate());
  const auto parts = equal_parts(4);
  for (const SegmentTuple& p : parts) {
    SharedArrivalTimes times(ramping_rate(), WorkerShare(p, 0, 1));
    const Nanos first = *times.next();
    EXPECT_LE(first, whole[3]);
  }
}

TEST(SegmentSchedule, VusAndIterationsAddUpForEveryExecutor) {
  Scenario shared;
  shared.executor = ExecutorKind::kSharedIterations;
  shared.vus = 5;
  shared.iterations = 103;
  Scenario per_vu;
  per_vu.executor = ExecutorKind::kPerVuIterations;
  per_vu.vus = 7;
  per_vu.iterations = 9;
  Scenario ramping;
  ramping.executor = ExecutorKind::kRampingVus;
  ramping.start_vus = 1;
  ramping.stages = {{kSecond, 9, {}}, {kSecond, 2, {}}};
  for (int n : {2, 3, 4}) {
    const auto parts = equal_parts(n);
    std::int64_t shared_iterations = 0, per_vu_iterations = 0, vus = 0;
    for (const SegmentTuple& p : parts) {
      shared_iterations += segment_iterations(shared, p);
      per_vu_iterations += *planned_iterations(per_vu, p);
      vus += segment_vus(shared, p);
    }
    EXPECT_EQ(shared_iterations, 103);
    EXPECT_EQ(per_vu_iterations, 63);
    EXPECT_EQ(vus, 5);
    // ramping-vus: at every instant the parts' active VUs (global index < target) add up.
    for (Nanos t = 0; t < 2 * kSecond; t += 50 * kNanosPerMilli) {
      const std::int64_t target = vus_at(ramping, t);
      std::int64_t active = 0;
      for (const SegmentTuple& p : parts) {
        for (int w = 0; w < 2; ++w) {
          const WorkerShare share(p, w, 2);
          for (std::int64_t i = 0; i < share.count(max_vus(ramping)); ++i) {
            if (static_cast<std::int64_t>(share.global(static_cast<std::uint64_t>(i))) < target) {
              ++active;
            }
          }
        }
      }
      EXPECT_EQ(active, target) << t;
    }
  }
}

TEST(SegmentSchedule, ASharedIterationsSegmentWithoutAVuStillRunsItsIterations) {
  Scenario s;
  s.executor = ExecutorKind::kSharedIterations;
  s.vus = 1;
  s.iterations = 10;
  const auto parts = equal_parts(2);
  EXPECT_EQ(segment_vus(s, parts[0]), 1);
  EXPECT_EQ(segment_vus(s, parts[1]), 1);
  EXPECT_EQ(segment_iterations(s, parts[0]) + segment_iterations(s, parts[1]), 10);
}

TEST(SegmentSchedule, PartitionedDataFilesKeepTheSegmentsRowsAndSharedOnesAll) {
  const auto parts = equal_parts(3);
  std::vector<std::string> seen;
  for (const SegmentTuple& p : parts) {
    Plan plan;
    Feeder partitioned{"accounts"};
    partitioned.partition = true;
    Feeder shared{"products"};
    for (int r = 0; r < 10; ++r) {
      partitioned.rows.push_back({"account" + std::to_string(r)});
      shared.rows.push_back({"product" + std::to_string(r)});
    }
    plan.feeders = {partitioned, shared};
    apply_segment(plan, p);
    EXPECT_EQ(plan.feeders[1].rows.size(), 10u);
    EXPECT_EQ(static_cast<std::int64_t>(plan.feeders[0].rows.size()), p.scale(10));
    for (const auto& row : plan.feeders[0].rows) seen.push_back(row[0]);
    EXPECT_FALSE(plan.segment.full());
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen.size(), 10u);  // every row in exactly one part
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end());
}

}  // namespace
}  // namespace perfgate::plan
