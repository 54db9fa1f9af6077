// Facts read from the text and the JNSA damage model. Entry points: read_text_facts,
// jnsa_damage. Tests: tests/test_facts.cpp.
#include "engine/facts.hpp"

#include <algorithm>
#include <cmath>

namespace shiwake::engine::detail {

void read_text_facts(const ScratchState& s, const Notice& notice, Facts& facts) {
  // Counts and dates come with the quantity and date grammars.
}

std::optional<double> jnsa_damage(const std::vector<const DataTypeDef*>& exposed, std::optional<double> affected) {
  // With no data type named, the model's floor applies (x = y = 1, I = 1), as the gold does.
  if (!affected) return std::nullopt;
  int x = 1, y = 1;
  bool name = false, address = false, phone = false;
  for (const DataTypeDef* d : exposed) {
    x = std::max(x, d->x);
    y = std::max(y, d->y);
    name = name || d->id == "name";
    address = address || d->id == "address";
    phone = phone || d->id == "phone";
  }
  // Ease of identification: 6 when name and address are both out, 3 for a name alone or
  // an address with a phone number, 1 otherwise.
  double ease = (name && address) ? 6 : (name || (address && phone)) ? 3 : 1;
  double per_person = 500.0 * (std::pow(10.0, x - 1) + std::pow(5.0, y - 1)) * ease;
  return per_person * *affected;
}

}  // namespace shiwake::engine::detail
