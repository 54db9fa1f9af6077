// A notice: one published text the engine classifies, with where it was read from.
// Produced by NoticeReader (engine/notice_io.hpp) and by the blog importer
// (engine/import_blog.hpp). Tests: tests/test_notice_io.cpp, tests/test_import_blog.cpp.
#pragma once

#include <string>
#include <vector>

namespace shiwake::engine {

struct Notice {
  std::string id;     // stable: given by the input, or derived from the content (derived_id)
  std::string title;  // valid UTF-8 (invalid bytes were replaced with U+FFFD on reading)
  std::string text;   // the body, valid UTF-8
  std::string published;  // the input's raw "published" value when it has one, else empty

  // Provenance: the page (or file) and 1-based line the notice starts at.
  std::string source_file;
  unsigned source_line = 0;
  // Other "file:line" places where the same notice was published again (reposts merged
  // by the importer), in the order they were found.
  std::vector<std::string> also_in;
};

}  // namespace shiwake::engine
