// libFuzzer entry for the normalize check (tests/fuzz/check_normalize.hpp). Build and run: tools/fuzz.
#include "tests/fuzz/check_normalize.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  shiwake::fuzz::check_normalize(data, size);
  return 0;
}
