// Splits blog pages like the seed pages (several posts, incident notices among travel and
// tool posts) into notices, and merges the notices a later page reposts. Entry points:
// import_blog (pages -> notices) and split_blog_page (one page). The heuristics that make
// a line a post title are explained at the top of import_blog.cpp.
// Tests: tests/test_import_blog.cpp.
#pragma once

#include "engine/notice.hpp"
#include "engine/notice_io.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace shiwake::engine {

// The largest page import reads.
inline constexpr std::size_t kMaxPageBytes = 64u << 20;

struct ImportResult {
  std::vector<Notice> notices;      // in page order, reposts merged into their first occurrence
  std::vector<InputError> errors;   // unreadable pages (error) and repaired bytes (warning)
};

// One page's posts in order. `source_name` goes to Notice::source_file; ids are derived
// from the title (derived_id), so they survive changes to how the body is cut.
std::vector<Notice> split_blog_page(std::string_view page, std::string_view source_name);

// Appends `page_notices` to `notices`, merging reposts: a notice with the title of an
// earlier one and the same text (compared without white space), or a text that is
// a prefix of the other (a shortened or extended repost), is not added; its "file:line"
// goes to the earlier notice's also_in, which takes the longer text. A notice with a known
// title but a different text is kept, with its id made unique.
void merge_notices(std::vector<Notice>& notices, std::vector<Notice> page_notices);

// Reads each file (source_file = its base name), splits it and merges reposts across pages.
ImportResult import_blog(const std::vector<std::string>& files);

}  // namespace shiwake::engine
