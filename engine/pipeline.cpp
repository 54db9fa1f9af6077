// Batches of notices classified by a fixed pool of threads, each with its own scratch;
// the batch is written out in input order before the next one is read, so output is
// byte-identical for any thread count and memory stays bounded by one batch.
// Entry point: classify_stream. Tests: tests/test_pipeline.cpp.
#include "engine/pipeline.hpp"

#include "engine/result_json.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace shiwake::engine {

StreamCounts classify_stream(const Classifier& classifier, NoticeReader& reader, const StreamOptions& options,
                             const std::function<void(const StreamItem&)>& sink) {
  unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  std::vector<Classifier::Scratch> scratch;
  for (unsigned t = 0; t < threads; ++t) scratch.push_back(classifier.make_scratch());

  StreamCounts counts;
  std::vector<Notice> notices;
  std::vector<StreamItem> items;
  std::vector<std::size_t> notice_of;  // item index -> notice index, or npos for errors
  std::vector<std::string> pending_warnings;
  bool done = false;
  while (!done) {
    notices.clear();
    items.clear();
    notice_of.clear();
    std::size_t held = 0;
    while (notices.size() < options.batch && held < options.batch_bytes) {
      std::optional<NoticeOrError> next = reader.next();
      if (!next) {
        done = true;
        break;
      }
      if (auto* e = std::get_if<InputError>(&*next)) {
        if (e->level != Level::error) {
          pending_warnings.push_back(e->message + (e->line ? " (" + e->source + ":" + std::to_string(e->line) + ")" : ""));
          continue;
        }
        StreamItem item;
        item.error = *e;
        if (options.serialize) item.json = error_to_json(*e);
        items.push_back(std::move(item));
        notice_of.push_back(static_cast<std::size_t>(-1));
        ++counts.read;
        continue;
      }
      notices.push_back(std::move(std::get<Notice>(*next)));
      held += notices.back().title.size() + notices.back().text.size();
      items.emplace_back();
      items.back().result.emplace();
      items.back().result->warnings = std::move(pending_warnings);
      pending_warnings.clear();
      if (!items.back().result->warnings.empty()) ++counts.warnings;
      notice_of.push_back(notices.size() - 1);
      ++counts.read;
    }
    // Classify the batch: threads take runs of kRun items from a shared counter and
    // classify the notices of a run together (Classifier::classify_each).
    constexpr std::size_t kRun = 64;
    std::atomic<std::size_t> next_run{0};
    auto work = [&](unsigned t) {
      std::vector<const Notice*> run;
      std::vector<std::size_t> run_items;
      Result results[kRun];
      for (std::size_t first = kRun * next_run++; first < items.size(); first = kRun * next_run++) {
        run.clear();
        run_items.clear();
        for (std::size_t i = first; i < std::min(first + kRun, items.size()); ++i)
          if (notice_of[i] != static_cast<std::size_t>(-1)) {
            run.push_back(&notices[notice_of[i]]);
            run_items.push_back(i);
          }
        classifier.classify_each(run.data(), run.size(), results, scratch[t]);
        for (std::size_t k = 0; k < run.size(); ++k) {
          StreamItem& item = items[run_items[k]];
          item.input_bytes = run[k]->title.size() + run[k]->text.size();
          if (!results[k].error.empty()) {  // past a per-notice bound: an error record where the notice was read
            std::string message = "notice " + run[k]->id + ": " + results[k].error;
            for (const std::string& w : item.result->warnings) message += "; read with a warning: " + w;
            item.result.reset();
            item.error = InputError{Level::error, run[k]->source_file, run[k]->source_line, 0, std::move(message)};
            if (options.serialize) item.json = error_to_json(*item.error);
            continue;
          }
          results[k].warnings = std::move(item.result->warnings);
          item.result = std::move(results[k]);
          if (options.serialize) item.json = result_to_json(*item.result);
        }
      }
    };
    if (threads == 1 || items.size() < 2) {
      work(0);
    } else {
      std::vector<std::thread> pool;
      for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work, t);
      for (auto& th : pool) th.join();
    }
    for (const StreamItem& item : items) {
      if (item.result) {
        ++counts.classified;
        counts.bytes += item.input_bytes;
      } else {
        ++counts.errors;  // unreadable, or past a per-notice bound
      }
      sink(item);
    }
    if (options.progress) options.progress(counts);
  }
  return counts;
}

}  // namespace shiwake::engine
