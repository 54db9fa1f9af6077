// libFuzzer entry for the quantity check (tests/fuzz/check_quantity.hpp). Build and run: tools/fuzz.
#include "tests/fuzz/check_quantity.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  shiwake::fuzz::check_quantity(data, size);
  return 0;
}
