// `shiwake classify`: classify notices with a rule pack; JSONL (default), an aligned table
// or CSV, in input order for any thread count, a progress bar on a terminal, and a count
// of notices read / classified / in error at the end. Tests: tests/test_cli.cpp.
#include "engine/pipeline.hpp"
#include "tools/commands.hpp"
#include "tools/common.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace shiwake::tools {

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// The table: one line per notice, aligned by display width, 100 columns wide. Titles get
// the most room; a list of categories that does not fit ends in "+N" (how many more).
struct Table {
  static constexpr std::size_t kId = 14, kSeverity = 13, kCategories = 30, kTitle = 40;
  static std::string categories(const std::vector<std::string>& cs) {
    std::string out;
    for (std::size_t i = 0; i < cs.size(); ++i) {
      std::string more = i + 1 < cs.size() ? " +" + std::to_string(cs.size() - i - 1) : "";
      std::string next = out + (out.empty() ? "" : ",") + cs[i];
      if (i > 0 && display_width(next) + (more.empty() ? 0 : more.size()) > kCategories)
        return out + " +" + std::to_string(cs.size() - i);
      out = next;
    }
    return out;
  }
  static void header(std::ostream& out) {
    out << fit("id", kId) << " " << fit("severity", kSeverity) << " " << fit("categories", kCategories) << " "
        << "title\n"
        << std::string(kId + kSeverity + kCategories + kTitle + 3, '-') << "\n";
  }
  static void row(std::ostream& out, const engine::StreamItem& item) {
    std::string line;
    if (item.error) {
      line = fit("(error)", kId) + " " + fit("-", kSeverity) + " " +
             fit(item.error->source + ":" + std::to_string(item.error->line) + " " + item.error->message,
                 kCategories + kTitle + 1);
    } else {
      const engine::Result& r = *item.result;
      line = fit(r.id, kId) + " " + fit(r.severity, kSeverity) + " " + fit(categories(r.categories), kCategories) + " " +
             fit_title(r.title, kTitle);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  }
};

void csv_header(std::ostream& out) {
  out << "id,title,categories,tags,severity,reportable,affected,data_types,leak,published,damage_jpy\n";
}
void csv_row(std::ostream& out, const engine::StreamItem& item) {
  if (item.error) {
    // Same columns as a result: the reason where the title goes, "error" as the severity.
    out << "," << csv_field(item.error->source + ":" + std::to_string(item.error->line) + ": " + item.error->message)
        << ",,,error,,,,,,\n";
    return;
  }
  const engine::Result& r = *item.result;
  std::ostringstream affected, damage;
  if (r.facts.affected) affected << static_cast<long long>(*r.facts.affected);
  if (r.facts.damage_jpy) damage << static_cast<long long>(*r.facts.damage_jpy);
  out << csv_field(r.id) << "," << csv_field(r.title) << "," << csv_field(join(r.categories, ";")) << ","
      << csv_field(join(r.tags, ";")) << "," << r.severity << "," << (r.reportable ? "true" : "false") << ","
      << affected.str() << "," << csv_field(join(r.facts.data_types, ";")) << "," << r.facts.leak << ","
      << (r.facts.published ? engine::to_iso(*r.facts.published) : "") << "," << damage.str() << "\n";
}

std::uint64_t input_size(const std::vector<std::string>& inputs) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (const auto& in : inputs) {
    if (in == "-") return 0;
    if (std::filesystem::is_regular_file(in, ec)) total += std::filesystem::file_size(in, ec);
    else if (std::filesystem::is_directory(in, ec))
      for (const auto& e : std::filesystem::recursive_directory_iterator(in, ec))
        if (e.is_regular_file(ec)) total += e.file_size(ec);
  }
  return total;
}

}  // namespace

int run_classify(int argc, char** argv) {
  po::options_description opts("options");
  std::string rules, format, output, jsonl_out;
  unsigned threads = 0;
  opts.add_options()("help,h", "show this help")
      ("rules,r", po::value(&rules), "rule pack folder (default: $SHIWAKE_RULES, else ./rules)")
      ("format,f", po::value(&format)->default_value("jsonl"), "jsonl | table | csv")
      ("output,o", po::value(&output), "write to FILE instead of stdout")
      ("jsonl-out", po::value(&jsonl_out), "also write the JSONL results to FILE (with --format table or csv)")
      ("threads,j", po::value(&threads)->default_value(0), "worker threads (0: all cores); output is the same for any N")
      ("no-progress", "no progress bar, even on a terminal");
  po::options_description hidden;
  po::positional_options_description pos;
  add_inputs(hidden, pos);
  po::variables_map vm;
  const char* usage =
      "shiwake classify [--rules DIR] [--format jsonl|table|csv] [--threads N] [-o FILE] [INPUT...]\n\n"
      "INPUT is a JSONL file ({\"id\",\"title\",\"text\"} per line), a .txt file (one notice: first\n"
      "line is the title), a folder of those, or - for stdin (the default). One record per input\n"
      "notice, in input order: the result, or an error record naming the line that could not be\n"
      "read, or the notice that went past a per-notice bound (millions of matches, evidence out\n"
      "of proportion to the notice, or billions of evaluation steps: see README, Reliability).\n"
      "Ends with a count of notices read / classified / in error on stderr; exit 2 when any\n"
      "record was in error.\n";
  if (!parse_options(argc, argv, opts, pos, vm, usage, &hidden)) return vm.count("help") ? 0 : 2;
  if (format != "jsonl" && format != "table" && format != "csv") {
    std::cerr << "shiwake classify: unknown --format '" << format << "' (jsonl, table or csv)\n";
    return 2;
  }
  std::vector<std::string> inputs = inputs_of(vm, {"-"});
  for (const auto& in : inputs) {
    std::error_code ec;
    if (in != "-" && !std::filesystem::exists(in, ec)) {
      std::cerr << "shiwake classify: no such file or folder: " << in << "\n";
      return 2;
    }
  }
  std::string dir = rules_dir(rules);
  auto classifier = load_classifier(dir);
  if (!classifier) return 2;

  std::ofstream file_out, jsonl_file;
  std::ostream* out = &std::cout;
  if (!output.empty()) {
    file_out.open(output, std::ios::binary);
    if (!file_out) {
      std::cerr << "shiwake classify: cannot write " << output << "\n";
      return 2;
    }
    out = &file_out;
  }
  if (!jsonl_out.empty()) {
    std::error_code ec;
    if (auto parent = std::filesystem::path(jsonl_out).parent_path(); !parent.empty())
      std::filesystem::create_directories(parent, ec);
    jsonl_file.open(jsonl_out, std::ios::binary);
    if (!jsonl_file) {
      std::cerr << "shiwake classify: cannot write " << jsonl_out << "\n";
      return 2;
    }
  }

  engine::NoticeReader reader(inputs, &std::cin);
  engine::StreamOptions options;
  options.threads = threads;
  options.serialize = format == "jsonl" || jsonl_file.is_open();
  auto started = std::chrono::steady_clock::now();
  const std::uint64_t total = input_size(inputs);
  if (stderr_is_terminal() && !vm.count("no-progress")) {
    options.progress = [&](const engine::StreamCounts& c) {
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      double rate = secs > 0 ? c.bytes / secs : 0;
      char line[160];
      int filled = total ? static_cast<int>(std::min<double>(1.0, double(c.bytes) / total) * 30) : 0;
      std::string bar = std::string(filled, '#') + std::string(30 - filled, total ? '.' : ' ');
      double eta = rate > 0 && total > c.bytes ? (total - c.bytes) / rate : 0;
      std::snprintf(line, sizeof line, "\r[%s] %llu notices  %.1f MB/s  ETA %.0fs ", bar.c_str(),
                    static_cast<unsigned long long>(c.read), rate / 1e6, eta);
      std::cerr << line << std::flush;
    };
  }
  if (format == "table") Table::header(*out);
  if (format == "csv") csv_header(*out);
  engine::StreamCounts counts = engine::classify_stream(*classifier, reader, options, [&](const engine::StreamItem& item) {
    if (format == "jsonl") *out << item.json << '\n';
    else if (format == "table") Table::row(*out, item);
    else csv_row(*out, item);
    if (jsonl_file.is_open()) jsonl_file << item.json << '\n';
  });
  out->flush();
  if (options.progress) std::cerr << "\n";
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cerr << "shiwake classify: " << counts.read << " read, " << counts.classified << " classified, " << counts.errors
            << " in error";
  if (counts.warnings) std::cerr << " (" << counts.warnings << " repaired)";
  char timing[64];
  std::snprintf(timing, sizeof timing, "; %.1f MB in %.2fs", counts.bytes / 1e6, secs);
  std::cerr << timing;
  if (!jsonl_out.empty()) std::cerr << "; JSONL results in " << jsonl_out;
  std::cerr << "\n";
  if (!*out || (jsonl_file.is_open() && !jsonl_file)) {
    std::cerr << "shiwake classify: writing the output failed\n";
    return 2;
  }
  return counts.errors ? 2 : 0;
}

}  // namespace shiwake::tools
