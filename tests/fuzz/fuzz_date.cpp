// libFuzzer entry for the date check (tests/fuzz/check_date.hpp). Build and run: tools/fuzz.
#include "tests/fuzz/check_date.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  shiwake::fuzz::check_date(data, size);
  return 0;
}
