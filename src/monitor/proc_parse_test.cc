#include "monitor/proc_parse.h"

#include <gtest/gtest.h>

namespace perfgate::monitor {
namespace {

TEST(ProcParse, StatWithSpacesAndParenthesesInTheName) {
  auto stat = parse_proc_stat(
      "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 500 0 0 0 123 45 0 0 20 0 7 0 98765 "
      "10000000 2560 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n");
  ASSERT_TRUE(stat);
  EXPECT_EQ(stat->comm, "my (odd) name");
  EXPECT_EQ(stat->state, 'S');
  EXPECT_EQ(stat->utime_ticks, 123u);
  EXPECT_EQ(stat->stime_ticks, 45u);
  EXPECT_EQ(stat->num_threads, 7);
  EXPECT_EQ(stat->start_ticks, 98765u);
  EXPECT_FALSE(parse_proc_stat("4242 (truncated) S 1 2"));
}

TEST(ProcParse, KeyValuesConvertKilobytes) {
  auto kv = parse_key_values(
      "Name:\tsleep\nVmRSS:\t    1234 kB\nThreads:\t3\nvoluntary_ctxt_switches:\t17\n"
      "Cpus_allowed_list:\t0-3\n");
  EXPECT_EQ(kv.at("VmRSS"), 1234u * 1024);
  EXPECT_EQ(kv.at("Threads"), 3u);
  EXPECT_EQ(kv.at("voluntary_ctxt_switches"), 17u);
  EXPECT_EQ(kv.count("Name"), 0u);
  EXPECT_EQ(status_field("Name:\tsleep\nCpus_allowed_list:\t0-3,6\n", "Cpus_allowed_list"),
            "0-3,6");
}

TEST(ProcParse, CpuLists) {
  EXPECT_EQ(count_cpu_list("0-3"), 4);
  EXPECT_EQ(count_cpu_list("0-3,8,10-11\n"), 7);
  EXPECT_EQ(count_cpu_list("0"), 1);
  EXPECT_EQ(count_cpu_list("3-1"), 0);
  EXPECT_EQ(count_cpu_list(""), 0);
}

TEST(ProcParse, NetDevSumsInterfacesIncludingLoopback) {
  auto totals = parse_net_dev(
      "Inter-|   Receive                                                |  Transmit\n"
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
      "drop fifo colls carrier compressed\n"
      "    lo:  1000      10    0    0    0     0          0         0     1000      10    0    "
      "0    0     0       0          0\n"
      "  eth0: 5000      50    0    0    0     0          0         0     7000      60    0    "
      "0    0     0       0          0\n");
  ASSERT_TRUE(totals);
  EXPECT_EQ(totals->rx_bytes, 6000u);
  EXPECT_EQ(totals->tx_bytes, 8000u);
}

TEST(ProcParse, HostCpuLines) {
  auto cpus = parse_host_cpu(
      "cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 60 0 20 400 20 0 0 0 0 0\n"
      "cpu1 40 0 30 400 30 0 0 0 0 0\nintr 1 2 3\n");
  ASSERT_EQ(cpus.size(), 3u);
  EXPECT_EQ(cpus[0].busy, 150u);
  EXPECT_EQ(cpus[0].total, 1000u);
  EXPECT_EQ(cpus[2].busy, 70u);
}

TEST(ProcParse, SnmpTables) {
  auto t = parse_snmp_table(
      "Tcp: RtoAlgorithm RtoMin RetransSegs\nTcp: 1 200 17\n"
      "TcpExt: SyncookiesSent ListenOverflows ListenDrops\nTcpExt: 0 3 5\n");
  EXPECT_EQ(t.at("Tcp.RetransSegs"), 17);
  EXPECT_EQ(t.at("TcpExt.ListenOverflows"), 3);
  EXPECT_EQ(t.at("TcpExt.ListenDrops"), 5);
}

TEST(ProcParse, LoadPressureAndCgroupFiles) {
  auto load = parse_loadavg("0.50 1.25 2.00 1/123 4567\n");
  ASSERT_TRUE(load);
  EXPECT_DOUBLE_EQ(load->five, 1.25);
  EXPECT_EQ(parse_pressure_some_total_us("some avg10=1.00 avg60=0.50 avg300=0.10 total=123456\n"
                                         "full avg10=0.00 avg60=0.00 avg300=0.00 total=99\n"),
            123456u);
  auto kv = parse_flat_keyed("usage_usec 1000\nnr_throttled 4\nthrottled_usec 250\n");
  EXPECT_EQ(kv.at("nr_throttled"), 4u);
  EXPECT_EQ(parse_single_number("4096\n"), 4096u);
  EXPECT_FALSE(parse_single_number("max\n"));
  EXPECT_DOUBLE_EQ(*parse_cpu_max("50000 100000\n"), 0.5);
  EXPECT_FALSE(parse_cpu_max("max 100000\n"));
  // cgroup v1: cpu.cfs_quota_us and cpu.cfs_period_us, each with its newline, joined by a space.
  EXPECT_DOUBLE_EQ(*parse_cpu_max("2000\n 100000\n"), 0.02);
  EXPECT_FALSE(parse_cpu_max("-1\n 100000\n"));  // v1's "no quota"
}

}  // namespace
}  // namespace perfgate::monitor
