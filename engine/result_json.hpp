// Results as JSONL: one object per notice, the format `classify` writes and `eval`, `diff`
// and `report` read back. Entry points: result_to_json, error_to_json, result_from_json.
// Tests: tests/test_result_json.cpp.
#pragma once

#include "engine/notice_io.hpp"
#include "engine/result.hpp"

#include <optional>
#include <string>

namespace shiwake::engine {

// One line, UTF-8 as is: id, title, categories, tags, severity, reportable, facts,
// matches (rule, category or tag, evidence), why, warnings.
std::string result_to_json(const Result& r);

// The record for an input that could not be read: {"error": {...}} with source, line,
// offset and message, and the id when one is known.
std::string error_to_json(const InputError& e);

// Reads a result line back (for eval, diff, report). nullopt with `error` set when the
// line is not a result record (error records included: `error` then says so).
std::optional<Result> result_from_json(std::string_view line, std::string& error);

}  // namespace shiwake::engine
