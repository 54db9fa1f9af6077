// Reading notices from JSONL files, .txt files, folders and stdin, and writing them as
// JSONL. Entry points: NoticeReader (streaming, input order, errors as values) and
// notice_to_json. Tests: tests/test_notice_io.cpp.
//
// Input rules (what a user of `classify` can rely on):
// - JSONL: one object per line with string fields "title" and "text"; optional string
//   fields "id", "published", "source_file", integer "source_line" and an array of
//   strings "also_in"; other fields are ignored. Blank lines are skipped. A line that
//   is not JSON, not an object, or has a non-string field yields an InputError naming
//   the line and reading goes on with the next line.
// - "title" and "text" both missing: an error. Only one of them missing: the notice is
//   still read, with that field empty, and a warning names the missing field, because a
//   title alone (or a body alone) is still worth classifying and dropping it would lose a
//   notice silently.
// - "id" missing: derived_id(title + "\n" + text), so the same content always gets the
//   same id.
// - Invalid UTF-8 is replaced with U+FFFD and reported as a warning with the byte offset
//   in the file; the notice is still produced (right after its warnings).
// - .txt: one notice; title = first non-blank line, text = the rest. A NUL byte makes it
//   a binary file: an error, no notice.
// - A record (a JSONL line or a .txt file) larger than kMaxRecordBytes is an error; the
//   reader skips it without holding it in memory.
// - A folder contributes its *.jsonl and *.txt files, recursively, in sorted path order.
//   Any other file named explicitly is read as JSONL. "-" is stdin, read as JSONL.
#pragma once

#include "engine/notice.hpp"
#include "grammar/diagnostic.hpp"

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace shiwake::engine {

// The largest notice the reader accepts, in bytes of input (a JSONL line or a .txt file).
inline constexpr std::size_t kMaxRecordBytes = 16u << 20;

// A record that could not be read (level error: no notice for it) or was read with a
// repair (level warning: the notice follows).
struct InputError {
  Level level = Level::error;
  std::string source;        // the input path, or "-" for stdin
  unsigned line = 0;         // 1-based line in the file; 0 when about the whole file
  std::uint64_t offset = 0;  // byte offset in the file of the offending byte or record
  std::string message;

  Diagnostic to_diagnostic() const;
};

using NoticeOrError = std::variant<Notice, InputError>;

// Streams notices from a list of inputs, in input order, holding one record at a time.
class NoticeReader {
 public:
  // `stdin_stream` is what "-" reads; it must outlive the reader.
  explicit NoticeReader(std::vector<std::string> inputs, std::istream* stdin_stream = nullptr);
  ~NoticeReader();
  NoticeReader(NoticeReader&&) noexcept;
  NoticeReader& operator=(NoticeReader&&) noexcept;

  // The next notice or error; nullopt when every input is exhausted.
  std::optional<NoticeOrError> next();

  // A JSONL record is read by simdjson when it is well formed and by nlohmann otherwise,
  // for its diagnostics; both give the same notice. With `false`, nlohmann reads every
  // record: for tests that compare the two.
  void use_fast_json(bool on);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// "n-" and the first 12 hex digits of the 64-bit FNV-1a hash of `key`: short, stable
// across runs and platforms.
std::string derived_id(std::string_view key);

// Replaces every ill-formed UTF-8 sequence with U+FFFD (Unicode's "maximal subpart"
// practice). Returns the byte offsets (in `text` as given) of the replaced sequences.
std::vector<std::size_t> repair_utf8(std::string& text);

// One JSONL line (no trailing newline): id, title, text, then published, source_file,
// source_line and also_in when set. UTF-8 as is, no \u escapes for non-ASCII.
std::string notice_to_json(const Notice& notice);

namespace detail {
// A line of only white space, NBSP or ideographic spaces.
bool is_blank(std::string_view line);
// Without leading and trailing white space, NBSP and ideographic spaces.
std::string_view trim(std::string_view s);
}  // namespace detail

}  // namespace shiwake::engine
