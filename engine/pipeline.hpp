// Classifying a stream of notices with several threads, results in input order, memory
// bounded by one batch. Entry point: classify_stream. `classify`, `eval`, `diff` and
// `report` all go through it. Tests: tests/test_pipeline.cpp (determinism across threads).
#pragma once

#include "engine/notice_io.hpp"
#include "engine/shiwake.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace shiwake::engine {

// One output record: a result, or the error that stopped a notice from being read or
// classified (Result::error).
struct StreamItem {
  std::optional<Result> result;
  std::optional<InputError> error;
  std::string json;  // the JSONL line, when StreamOptions::serialize
  std::uint64_t input_bytes = 0;
};

struct StreamCounts {
  std::uint64_t read = 0;        // records seen: notices plus unreadable records
  std::uint64_t classified = 0;  // notices classified
  std::uint64_t errors = 0;      // records that could not be read or classified
  std::uint64_t warnings = 0;    // notices read with a repair (still classified)
  std::uint64_t bytes = 0;       // bytes of title and text classified
};

struct StreamOptions {
  unsigned threads = 0;          // 0: all cores
  std::size_t batch = 1024;      // notices held at once, at most
  std::size_t batch_bytes = 64u << 20;  // and at most this much notice text
  bool serialize = true;         // fill StreamItem::json
  std::function<void(const StreamCounts&)> progress;  // after each batch
};

// Reads every notice, classifies it and hands each record to `sink` in input order.
StreamCounts classify_stream(const Classifier& classifier, NoticeReader& reader, const StreamOptions& options,
                             const std::function<void(const StreamItem&)>& sink);

}  // namespace shiwake::engine
