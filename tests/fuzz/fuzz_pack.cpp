// libFuzzer entry for the pack check (tests/fuzz/check_pack.hpp). Build and run: tools/fuzz.
#include "tests/fuzz/check_pack.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  shiwake::fuzz::check_pack(data, size);
  return 0;
}
