// libFuzzer entry for the jsonl check (tests/fuzz/check_jsonl.hpp). Build and run: tools/fuzz.
#include "tests/fuzz/check_jsonl.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  shiwake::fuzz::check_jsonl(data, size);
  return 0;
}
