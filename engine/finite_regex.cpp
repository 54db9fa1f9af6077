// The finite language of a regex, by recursive descent over the subset finite_regex.hpp
// names. Every construct outside it, and every language past the bound, ends the descent
// with nullopt: a regex is expanded only when its strings are certain.
#include "engine/finite_regex.hpp"

#include <algorithm>
#include <cctype>

namespace shiwake::engine {

namespace {

using Strings = std::vector<std::string>;

constexpr std::size_t kMaxStringBytes = 1024;  // longer strings stay a regex
constexpr std::size_t kMaxRepeat = 8;          // {n,m} with m up to this

class Expander {
 public:
  Expander(std::string_view regex, std::size_t max_strings) : re_(regex), max_(max_strings) {}

  std::optional<Strings> run() {
    auto all = alternation();
    if (!all || pos_ != re_.size()) return std::nullopt;
    if (std::any_of(all->begin(), all->end(), [](const std::string& s) { return s.empty(); })) return std::nullopt;
    return all;
  }

 private:
  bool at(char c) const { return pos_ < re_.size() && re_[pos_] == c; }

  // Sorted and distinct, or nullopt past the bounds.
  std::optional<Strings> bounded(Strings s) const {
    std::sort(s.begin(), s.end());
    s.erase(std::unique(s.begin(), s.end()), s.end());
    if (s.size() > max_) return std::nullopt;
    return s;
  }

  std::optional<Strings> alternation() {
    auto all = sequence();
    while (all && at('|')) {
      ++pos_;
      auto more = sequence();
      if (!more) return std::nullopt;
      all->insert(all->end(), more->begin(), more->end());
      all = bounded(std::move(*all));
    }
    return all;
  }

  std::optional<Strings> sequence() {
    std::optional<Strings> out = Strings{""};
    while (out && pos_ < re_.size() && !at('|') && !at(')')) {
      auto part = atom();
      if (part) part = quantified(std::move(*part));
      if (!part) return std::nullopt;
      out = product(*out, *part);
    }
    return out;
  }

  std::optional<Strings> product(const Strings& a, const Strings& b) const {
    if (a.size() * b.size() > max_ * 4) return std::nullopt;  // more than duplicates can bring back
    Strings out;
    out.reserve(a.size() * b.size());
    for (const std::string& x : a)
      for (const std::string& y : b) {
        if (x.size() + y.size() > kMaxStringBytes) return std::nullopt;
        out.push_back(x + y);
      }
    return bounded(std::move(out));
  }

  std::optional<Strings> atom() {
    switch (re_[pos_]) {
      case '(': {
        ++pos_;
        if (at('?')) {
          if (re_.substr(pos_, 2) != "?:") return std::nullopt;  // options, lookaround, names
          pos_ += 2;
        }
        auto inner = alternation();
        if (!inner || !at(')')) return std::nullopt;
        ++pos_;
        return inner;
      }
      case '[': return character_class();
      case '\\': {
        auto c = escape();
        if (!c) return std::nullopt;
        return Strings{*c};
      }
      case '.': case '^': case '$': case '*': case '+': case '?': case '{': case '}': case ']': case ')': case '|':
        return std::nullopt;
      default: {
        auto c = code_point();
        if (!c) return std::nullopt;
        return Strings{*c};
      }
    }
  }

  // One UTF-8 character, as its bytes.
  std::optional<std::string> code_point() {
    const auto b = static_cast<unsigned char>(re_[pos_]);
    const std::size_t n = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || pos_ + n > re_.size()) return std::nullopt;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(re_[pos_ + k]) & 0xC0) != 0x80) return std::nullopt;
    std::string c(re_.substr(pos_, n));
    pos_ += n;
    return c;
  }

  // \ and ASCII punctuation, \n \t \r, \xHH below 0x80 (not NUL): one ASCII character.
  std::optional<std::string> escape() {
    if (pos_ + 1 >= re_.size()) return std::nullopt;
    const auto d = static_cast<unsigned char>(re_[pos_ + 1]);
    auto hex = [](char h) { return h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1; };
    pos_ += 2;
    if (d < 0x80 && !std::isalnum(d) && d > 0x20) return std::string(1, static_cast<char>(d));
    if (d == 'n') return std::string("\n");
    if (d == 't') return std::string("\t");
    if (d == 'r') return std::string("\r");
    if (d == 'x' && pos_ + 2 <= re_.size()) {
      const int hi = hex(re_[pos_]), lo = hex(re_[pos_ + 1]);
      if (hi < 0 || lo < 0 || hi >= 8 || (hi == 0 && lo == 0)) return std::nullopt;
      pos_ += 2;
      return std::string(1, static_cast<char>(hi * 16 + lo));
    }
    return std::nullopt;
  }

  // [...] of characters, escapes and ASCII ranges; not negated, no POSIX classes.
  std::optional<Strings> character_class() {
    ++pos_;
    if (at('^') || at(']')) return std::nullopt;
    Strings members;
    bool first = true;
    while (!at(']')) {
      if (pos_ >= re_.size() || at('[')) return std::nullopt;
      std::optional<std::string> c;
      if (at('-') && (first || (pos_ + 1 < re_.size() && re_[pos_ + 1] == ']'))) {
        ++pos_;
        c = "-";
      } else if (at('-')) {
        return std::nullopt;  // a range without its start
      } else {
        c = at('\\') ? escape() : code_point();
      }
      if (!c) return std::nullopt;
      first = false;
      if (at('-') && pos_ + 1 < re_.size() && re_[pos_ + 1] != ']') {
        ++pos_;
        auto last = at('\\') ? escape() : code_point();
        if (!last || c->size() != 1 || last->size() != 1) return std::nullopt;
        const auto lo = static_cast<unsigned char>((*c)[0]), hi = static_cast<unsigned char>((*last)[0]);
        if (lo > hi || hi >= 0x80 || std::size_t(hi - lo) >= max_) return std::nullopt;
        for (unsigned v = lo; v <= hi; ++v) members.emplace_back(1, static_cast<char>(v));
      } else {
        members.push_back(std::move(*c));
      }
      if (members.size() > max_ * 4) return std::nullopt;
    }
    ++pos_;
    return bounded(std::move(members));
  }

  // ?, {n} or {n,m} after an atom; a lazy or possessive one is left to Vectorscan.
  std::optional<Strings> quantified(Strings a) {
    std::size_t lo = 1, hi = 1;
    if (at('?')) {
      ++pos_;
      lo = 0;
    } else if (at('{')) {
      ++pos_;
      auto number = [&]() -> std::optional<std::size_t> {
        std::size_t v = 0, digits = 0;
        for (; pos_ < re_.size() && re_[pos_] >= '0' && re_[pos_] <= '9' && digits < 3; ++pos_, ++digits)
          v = v * 10 + std::size_t(re_[pos_] - '0');
        if (digits == 0) return std::nullopt;
        return v;
      };
      auto n = number();
      if (!n) return std::nullopt;
      lo = hi = *n;
      if (at(',')) {
        ++pos_;
        auto m = number();
        if (!m) return std::nullopt;
        hi = *m;
      }
      if (!at('}') || lo > hi || hi > kMaxRepeat) return std::nullopt;
      ++pos_;
    } else {
      return a;
    }
    if (at('?') || at('+')) return std::nullopt;
    Strings out;
    std::optional<Strings> power = Strings{""};
    for (std::size_t k = 0; k <= hi && power; ++k) {
      if (k >= lo) out.insert(out.end(), power->begin(), power->end());
      if (k < hi) power = product(*power, a);
    }
    if (!power) return std::nullopt;
    return bounded(std::move(out));
  }

  std::string_view re_;
  std::size_t max_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<std::vector<std::string>> finite_language(std::string_view regex, std::size_t max_strings) {
  if (regex.empty()) return std::nullopt;
  return Expander(regex, max_strings).run();
}

}  // namespace shiwake::engine
