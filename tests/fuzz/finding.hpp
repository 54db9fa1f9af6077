// What a fuzz check throws when an invariant breaks. Under libFuzzer the exception ends the
// process (a crash with the input saved); in tests/test_fuzz_replay.cpp it fails the test.
#pragma once

#include <stdexcept>
#include <string>

namespace shiwake::fuzz {

struct Finding : std::logic_error {
  using std::logic_error::logic_error;
};

[[noreturn]] inline void finding(const std::string& target, const std::string& what, const std::string& a = "",
                                 const std::string& b = "") {
  std::string message = target + ": " + what;
  if (!a.empty()) message += "\n  [" + a.substr(0, 2000) + "]";
  if (!b.empty()) message += "\n  [" + b.substr(0, 2000) + "]";
  throw Finding(message);
}

}  // namespace shiwake::fuzz
