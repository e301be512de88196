#include "tools/table.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tools/csv.hpp"
#include "tools/encoding.hpp"
#include "tools/text.hpp"
#include "tools/xlsx_reader.hpp"

namespace stagevote::tools {

std::string extension_of(std::string_view name) {
  auto slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return {};
  return ascii_lower(name.substr(dot + 1));
}

bool is_size_problem(const Problem& problem) {
  return problem.reason.find("for a contest's table") != std::string::npos;
}

Table read_table(const SourceFile& source, Problems& problems,
                 const std::vector<std::string>& preferred_sheets, const TableLimits& limits) {
  const std::string ext = extension_of(source.name);
  if (ext == "csv" || ext == "txt") {
    std::string error;
    auto decoded = decode_text(source.bytes, error);
    if (!decoded) {
      problems.push_back({source.name, 0, error});
      return Table{source.name, {}, {}};
    }
    const char delimiter = guess_delimiter(decoded->text);
    Table table = parse_csv(source.name, decoded->text, problems, limits, delimiter);
    if (!decoded->encoding.empty()) {
      table.notes.push_back(source.name + ": read as " + decoded->encoding +
                            (delimiter == '\t' ? ", tab-separated" : ""));
    }
    return table;
  }
  if (ext == "xlsx" || ext == "xlsm") {
    std::string sheet;
    Problems ignored;  // parse_xlsx reports the same problems again
    auto names = xlsx_sheet_names(source.name, source.bytes, ignored, limits);
    if (names.size() > 1) {
      for (const auto& wanted : preferred_sheets) {
        auto found = std::find_if(names.begin(), names.end(), [&](const std::string& name) {
          return ascii_lower(trim(name)) == ascii_lower(wanted);
        });
        if (found != names.end()) {
          sheet = *found;
          break;
        }
      }
    }
    return parse_xlsx(source.name, source.bytes, sheet, problems, limits);
  }
  if (ext == "xls") {
    problems.push_back(
        {source.name, 0, "the old .xls format is not read: save it as .xlsx or .csv"});
  } else {
    problems.push_back({source.name, 0, "unknown table format ." + ext + " (use .csv or .xlsx)"});
  }
  return Table{source.name, {}, {}};
}

SourceFile load_source_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open the file");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw std::runtime_error(path + ": cannot read the file");
  return SourceFile{path, std::move(bytes).str()};
}

}  // namespace stagevote::tools
