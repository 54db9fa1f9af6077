// libFuzzer entry for the dsl check (tests/fuzz/check_dsl.hpp). Build and run: tools/fuzz.
#include "tests/fuzz/check_dsl.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  shiwake::fuzz::check_dsl(data, size);
  return 0;
}
