// Test helpers: packs from YAML text, one-line rule assertions in the manner of
// `assert_true_rule("rule t { condition: true or false }", NULL)`.
#pragma once

#include "engine/notice_io.hpp"
#include "engine/shiwake.hpp"

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace shiwake::test {

// A path in the temporary directory that no other test process uses: `name` with this
// process's id before its extension ("order.jsonl" -> "order-4242.jsonl"), since the
// suites of two checkouts may run at the same time.
inline std::filesystem::path temp_path(const std::string& name) {
  const std::filesystem::path p(name);
  return std::filesystem::temp_directory_path() /
         (p.stem().string() + "-" + std::to_string(::getpid()) + p.extension().string());
}

// Loads and compiles a pack written as one YAML file; diagnostics go to `diags`.
inline std::unique_ptr<engine::Classifier> pack_from_yaml(const std::string& yaml,
                                                          std::vector<Diagnostic>* diags = nullptr) {
  engine::LoadedPack loaded;
  engine::load_pack_file("test.yaml", yaml, loaded);
  std::vector<Diagnostic> local;
  std::vector<Diagnostic>& ds = diags ? *diags : local;
  ds = loaded.diagnostics;
  if (has_errors(ds)) return nullptr;
  return engine::Classifier::compile(std::move(loaded.pack), ds);
}

inline engine::Result classify(const engine::Classifier& c, const std::string& title, const std::string& text) {
  auto scratch = c.make_scratch();
  engine::Notice n;
  n.id = "t";
  n.title = title;
  n.text = text;
  return c.classify(n, scratch);
}

// A pack with the given lists and one rule `t` whose condition is `when`.
inline std::string one_rule_pack(const std::string& when, const std::string& lists = "") {
  std::string yaml = lists.empty() ? "" : "lists:\n" + lists + "\n";
  yaml += "rules:\n  - id: t\n    category: c\n    when: '";
  for (char ch : when) yaml += ch == '\'' ? std::string("''") : std::string(1, ch);
  return yaml + "'\n";
}

// Whether rule `t` with condition `when` fires on a notice (title, text). Throws when
// the pack does not compile, so a typo in a test cannot pass as "did not fire".
inline bool fires(const std::string& when, const std::string& text, const std::string& title = "",
                  const std::string& lists = "") {
  std::vector<Diagnostic> ds;
  auto c = pack_from_yaml(one_rule_pack(when, lists), &ds);
  if (!c) {
    std::string all;
    for (const auto& d : ds) all += format(d);
    throw std::runtime_error("pack does not compile:\n" + all);
  }
  return !classify(*c, title, text).categories.empty();
}

// The notices of the bundled corpus (corpus/notices.jsonl), in order.
inline std::vector<engine::Notice> corpus_notices() {
  engine::NoticeReader reader({std::string(SHIWAKE_SOURCE_DIR) + "/corpus/notices.jsonl"});
  std::vector<engine::Notice> notices;
  while (auto next = reader.next())
    if (auto* n = std::get_if<engine::Notice>(&*next)) notices.push_back(std::move(*n));
  return notices;
}

}  // namespace shiwake::test
