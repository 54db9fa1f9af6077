// The benchmark's floor: Vectorscan alone, scanning every notice's raw title and text with
// exactly the expressions and flags the engine compiles from a pack, read by the same
// NoticeReader in the same batches as `shiwake classify`, in runs of 64 notices each
// normalized then scanned back to back as the engine takes them, in the engine's mode
// (streaming, one stream reset per notice, as engine/scan.cpp does) or, with --block, in
// block mode.
// With --normalize, title and text are normalized first, exactly as the engine does, and the
// normalized buffer is scanned: Vectorscan alone "normalization included", the floor of the
// design (the pack's literals are normalized; only normalized text holds them). Without it
// the raw text is scanned. No evaluation, facts or output: what is left when everything
// else of ours costs nothing. Used by tools/bench.
// Usage: shiwake_scan_floor --rules DIR [--threads N] [--block] [--normalize] INPUT.jsonl
// Prints one line: "notices N bytes B seconds S scan_seconds T matches M expressions E
// rules R", E being the expressions of the scan database.
#include "engine/notice_io.hpp"
#include "engine/compiled.hpp"
#include "engine/normalize.hpp"
#include "engine/shiwake.hpp"

#include <hs/hs.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int usage() {
  std::fprintf(stderr, "usage: shiwake_scan_floor --rules DIR [--threads N] [--block] [--normalize] INPUT.jsonl\n");
  return 2;
}

int count_match(unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) {
  ++*static_cast<std::uint64_t*>(ctx);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string rules, input;
  unsigned threads = 1;
  bool block = false, normalized = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--rules" && i + 1 < argc) rules = argv[++i];
    else if (a == "--threads" && i + 1 < argc) threads = static_cast<unsigned>(std::stoul(argv[++i]));
    else if (a == "--block") block = true;
    else if (a == "--normalize") normalized = true;
    else if (!a.empty() && a[0] != '-' && input.empty()) input = a;
    else return usage();
  }
  if (rules.empty() || input.empty() || threads == 0) return usage();

  using namespace shiwake;
  engine::LoadedPack loaded = engine::load_pack(rules);
  std::vector<Diagnostic> diags = std::move(loaded.diagnostics);
  auto classifier = engine::Classifier::compile(std::move(loaded.pack), diags);
  if (!classifier) {
    for (const auto& d : diags)
      if (d.is_error()) std::fprintf(stderr, "%s\n", format(d).c_str());
    return 2;
  }
  auto patterns = classifier->patterns();
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    exprs.push_back(patterns[i].first.c_str());
    flags.push_back(patterns[i].second);
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()),
                       block ? HS_MODE_BLOCK : engine::detail::kScanMode,
                       nullptr, &db, &err) != HS_SUCCESS) {
    std::fprintf(stderr, "shiwake_scan_floor: %s\n", err ? err->message : "cannot compile");
    return 2;
  }
  std::vector<hs_scratch_t*> scratch(threads, nullptr);
  hs_alloc_scratch(db, &scratch[0]);
  for (unsigned t = 1; t < threads; ++t) hs_clone_scratch(scratch[0], &scratch[t]);
  std::vector<hs_stream_t*> streams(threads, nullptr);
  if (!block)
    for (unsigned t = 0; t < threads; ++t) hs_open_stream(db, 0, &streams[t]);

  // The same batching as engine/pipeline.cpp: the reader fills a batch, the threads share it.
  constexpr std::size_t kBatch = 1024;
  engine::NoticeReader reader({input});
  std::vector<engine::Notice> batch;
  std::vector<std::vector<std::string>> buffers(threads);
  std::vector<std::uint64_t> matches(threads, 0);
  std::vector<double> scan_seconds(threads, 0);
  std::uint64_t notices = 0, bytes = 0;
  const auto started = Clock::now();
  for (bool done = false; !done;) {
    batch.clear();
    while (batch.size() < kBatch) {
      auto next = reader.next();
      if (!next) {
        done = true;
        break;
      }
      if (auto* n = std::get_if<engine::Notice>(&*next)) batch.push_back(std::move(*n));
    }
    // Runs of notices as the engine takes them (Classifier::classify_each): a run is
    // normalized, then scanned, back to back.
    constexpr std::size_t kRun = 64;
    std::atomic<std::size_t> next_run{0};
    auto work = [&](unsigned t) {
      std::vector<std::string>& bufs = buffers[t];
      bufs.resize(kRun);
      for (std::size_t first = kRun * next_run++; first < batch.size(); first = kRun * next_run++) {
        const std::size_t n = std::min(kRun, batch.size() - first);
        for (std::size_t k = 0; k < n; ++k) {
          const engine::Notice& notice = batch[first + k];
          std::string& buf = bufs[k];
          // Title and text in one buffer, as the engine scans them.
          if (normalized) {
            buf.assign(engine::normalize(notice.title).text());
            buf += "\n\n";
            buf += engine::normalize(notice.text).text();
          } else {
            buf.assign(notice.title);
            buf += "\n\n";
            buf += notice.text;
          }
        }
        const auto t0 = Clock::now();
        for (std::size_t k = 0; k < n; ++k) {
          const std::string& buf = bufs[k];
          if (block) {
            hs_scan(db, buf.data(), static_cast<unsigned>(buf.size()), 0, scratch[t], count_match, &matches[t]);
          } else {
            hs_scan_stream(streams[t], buf.data(), static_cast<unsigned>(buf.size()), 0, scratch[t], count_match, &matches[t]);
            hs_reset_stream(streams[t], 0, scratch[t], count_match, &matches[t]);
          }
        }
        scan_seconds[t] += std::chrono::duration<double>(Clock::now() - t0).count();
      }
    };
    if (threads == 1) {
      work(0);
    } else {
      std::vector<std::thread> pool;
      for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work, t);
      for (auto& th : pool) th.join();
    }
    for (const auto& n : batch) bytes += n.title.size() + n.text.size();
    notices += batch.size();
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::uint64_t total_matches = 0;
  double scan_total = 0;
  for (unsigned t = 0; t < threads; ++t) {
    total_matches += matches[t];
    scan_total += scan_seconds[t];
    if (streams[t]) hs_close_stream(streams[t], scratch[t], nullptr, nullptr);
    hs_free_scratch(scratch[t]);
  }
  hs_free_database(db);
  // scan_seconds: time inside hs_scan, divided by the threads (the scan's share of the wall time).
  std::printf("notices %llu bytes %llu seconds %.4f scan_seconds %.4f matches %llu expressions %zu rules %zu\n",
              static_cast<unsigned long long>(notices), static_cast<unsigned long long>(bytes), seconds,
              scan_total / threads, static_cast<unsigned long long>(total_matches), patterns.size(), classifier->pack().rules.size());
  return 0;
}
