// Diagnostics shared by every stage that reads user files: rule packs, gold labels,
// notices. A diagnostic names file:line:col, says what is wrong and shows the source line
// with a caret under the offending token. Entry: format(). Tests: tests/test_diagnostic.cpp.
#pragma once

#include <string>
#include <vector>

namespace shiwake {

enum class Level { error, warning, note };

struct Diagnostic {
  Level level = Level::error;
  std::string file;
  unsigned line = 0;    // 1-based; 0 when the diagnostic is about the whole file
  unsigned column = 0;  // 1-based, in code points
  unsigned length = 1;  // code points underlined: ^ for 1, ^~~~ for more
  std::string message;
  std::string source_line;  // the line as written, without its newline

  bool is_error() const { return level == Level::error; }
};

// "file:line:col: error: message\n  source line\n  ^~~~\n" (the caret lines only when
// source_line is known). Columns count code points; the caret is placed by display width
// so it sits under the token for Japanese text too.
std::string format(const Diagnostic& d);

bool has_errors(const std::vector<Diagnostic>& ds);

}  // namespace shiwake
