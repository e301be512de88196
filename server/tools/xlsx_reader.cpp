#include "tools/xlsx_reader.hpp"

#include <zip.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <pugixml.hpp>

namespace stagevote::tools {
namespace {

struct ZipCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipCloser>;

// An opened workbook: the archive plus the file name for problems.
class Workbook {
 public:
  Workbook(std::string_view file, std::string_view bytes, Problems& problems,
           const TableLimits& limits)
      : file_(file), problems_(problems), limits_(limits) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source != nullptr) {
      archive_.reset(zip_open_from_source(source, ZIP_RDONLY, &error));
      if (!archive_) zip_source_free(source);
    }
    if (!archive_) fail("not an XLSX file (cannot open it as a zip archive)");
    zip_error_fini(&error);
  }

  bool ok() const { return archive_ != nullptr; }

  // The part's bytes, or nullopt if the archive has no such part or it is over the limits.
  // The size the zip declares is checked before anything is inflated, and inflating stops
  // there: a part that holds more than it declares is refused, not read on.
  std::optional<std::string> part(const std::string& name) {
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat(archive_.get(), name.c_str(), 0, &stat) != 0) return std::nullopt;
    if ((stat.valid & ZIP_STAT_SIZE) == 0) {
      fail("part " + name + " does not say how large it is");
      return std::nullopt;
    }
    if (stat.size > limits_.part_bytes || stat.size + read_bytes_ > limits_.total_bytes) {
      fail("part " + name + " inflates to " + std::to_string(stat.size) +
           " bytes: too large for a contest's table (at most " +
           std::to_string(limits_.part_bytes) + " bytes a part, " +
           std::to_string(limits_.total_bytes) + " in all)");
      return std::nullopt;
    }
    zip_file_t* entry = zip_fopen(archive_.get(), name.c_str(), 0);
    if (entry == nullptr) return std::nullopt;
    std::string data(static_cast<std::size_t>(stat.size), '\0');
    zip_int64_t got = zip_fread(entry, data.data(), stat.size);
    char more = 0;
    const zip_int64_t beyond = got >= 0 ? zip_fread(entry, &more, 1) : 0;
    zip_fclose(entry);
    if (got < 0 || static_cast<zip_uint64_t>(got) != stat.size || beyond != 0) {
      fail("part " + name + " cannot be read (it is damaged or holds more than it declares)");
      return std::nullopt;
    }
    read_bytes_ += stat.size;
    // Each element is a node of the parsed document: count them before parsing.
    if (const auto elements = static_cast<std::size_t>(std::count(data.begin(), data.end(), '<'));
        elements > limits_.xml_elements) {
      fail("part " + name + " has " + std::to_string(elements) +
           " XML tags: too many for a contest's table (at most " +
           std::to_string(limits_.xml_elements) + ")");
      return std::nullopt;
    }
    return data;
  }

  bool load_xml(const std::string& name, pugi::xml_document& doc, bool required) {
    auto data = part(name);
    if (!data) {
      if (required) fail("not an XLSX file (no " + name + ")");
      return false;
    }
    auto parsed = doc.load_buffer(data->data(), data->size());
    if (!parsed) {
      fail(name + " is not well-formed XML: " + parsed.description());
      return false;
    }
    return true;
  }

  void fail(std::string reason) { problems_.push_back({file_, 0, std::move(reason)}); }

  const std::string& file() const { return file_; }
  const TableLimits& limits() const { return limits_; }

 private:
  std::string file_;
  Problems& problems_;
  const TableLimits& limits_;
  std::size_t read_bytes_ = 0;  // decompressed, every part so far
  ZipPtr archive_;
};

struct SheetRef {
  std::string name;
  std::string part;  // e.g. "xl/worksheets/sheet1.xml"
};

// Element names may carry a namespace prefix ("x:row"); compare local names only.
bool is(const pugi::xml_node& node, std::string_view local) {
  std::string_view name = node.name();
  auto colon = name.find(':');
  if (colon != std::string_view::npos) name.remove_prefix(colon + 1);
  return name == local;
}

pugi::xml_node child(const pugi::xml_node& node, std::string_view local) {
  for (auto c : node.children())
    if (is(c, local)) return c;
  return {};
}

std::string attribute_local(const pugi::xml_node& node, std::string_view local) {
  for (auto a : node.attributes()) {
    std::string_view name = a.name();
    auto colon = name.find(':');
    if (colon != std::string_view::npos) name.remove_prefix(colon + 1);
    if (name == local) return a.value();
  }
  return {};
}

std::vector<SheetRef> sheet_refs(Workbook& book) {
  pugi::xml_document workbook;
  pugi::xml_document rels;
  if (!book.load_xml("xl/workbook.xml", workbook, true)) return {};
  book.load_xml("xl/_rels/workbook.xml.rels", rels, false);

  std::vector<SheetRef> refs;
  auto sheets = child(child(workbook, "workbook"), "sheets");
  int position = 0;
  for (auto sheet : sheets.children()) {
    if (!is(sheet, "sheet")) continue;
    ++position;
    SheetRef ref{sheet.attribute("name").value(), ""};
    const std::string rel_id = attribute_local(sheet, "id");
    for (auto rel : child(rels, "Relationships").children()) {
      if (rel.attribute("Id").value() != rel_id) continue;
      std::string target = rel.attribute("Target").value();
      ref.part = target.starts_with('/') ? target.substr(1) : "xl/" + target;
    }
    // Without relationships, writers name sheets by position.
    if (ref.part.empty()) ref.part = "xl/worksheets/sheet" + std::to_string(position) + ".xml";
    refs.push_back(std::move(ref));
  }
  if (refs.empty()) book.fail("the workbook has no sheets");
  return refs;
}

// Text of a string item: a plain <t>, or the <t>s of its rich-text runs (<r>); phonetic
// hints (<rPh>) are not part of the text.
std::string item_text(const pugi::xml_node& item) {
  std::string text;
  for (auto c : item.children()) {
    if (is(c, "t")) {
      text += c.text().get();
    } else if (is(c, "r")) {
      text += child(c, "t").text().get();
    }
  }
  return text;
}

std::vector<std::string> shared_strings(Workbook& book) {
  pugi::xml_document doc;
  std::vector<std::string> strings;
  if (!book.load_xml("xl/sharedStrings.xml", doc, false)) return strings;
  for (auto si : child(doc, "sst").children()) {
    if (!is(si, "si")) continue;
    if (strings.size() == book.limits().shared_strings) {
      book.fail("more than " + std::to_string(book.limits().shared_strings) +
                " shared strings: too many for a contest's table");
      return {};
    }
    strings.push_back(item_text(si));
  }
  return strings;
}

// Numbers as a person would type them: 30, 0.1, 1234.5 (not 0.10000000000000001).
std::string number_text(const std::string& raw) {
  char* end = nullptr;
  double value = std::strtod(raw.c_str(), &end);
  if (end == raw.c_str() || *end != '\0' || !std::isfinite(value)) return raw;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.15g", value);
  return buffer;
}

std::string cell_text(const pugi::xml_node& cell, const std::vector<std::string>& strings,
                      Workbook& book, int row) {
  const std::string type = cell.attribute("t").value();
  const std::string value = child(cell, "v").text().get();
  if (type == "s") {
    char* end = nullptr;
    unsigned long index = std::strtoul(value.c_str(), &end, 10);
    if (end == value.c_str() || index >= strings.size()) {
      book.fail("row " + std::to_string(row) + ": a cell refers to a missing shared string");
      return {};
    }
    return strings[index];
  }
  if (type == "inlineStr") return item_text(child(cell, "is"));
  if (type == "str" || type == "e") return value;
  if (type == "b") return value == "1" ? "TRUE" : "FALSE";
  return number_text(value);
}

}  // namespace

int xlsx_column_index(std::string_view cell_ref) {
  int column = 0;
  std::size_t letters = 0;
  for (char c : cell_ref) {
    if (c >= 'A' && c <= 'Z') {
      column = column * 26 + (c - 'A' + 1);
    } else if (c >= 'a' && c <= 'z') {
      column = column * 26 + (c - 'a' + 1);
    } else {
      break;
    }
    if (++letters > 3) return -1;  // beyond XFD: not a cell reference
  }
  return letters == 0 ? -1 : column - 1;
}

std::vector<std::string> xlsx_sheet_names(std::string_view file, std::string_view bytes,
                                          Problems& problems, const TableLimits& limits) {
  Workbook book(file, bytes, problems, limits);
  std::vector<std::string> names;
  if (!book.ok()) return names;
  for (auto& ref : sheet_refs(book)) names.push_back(ref.name);
  return names;
}

Table parse_xlsx(std::string_view file, std::string_view bytes, std::string_view sheet,
                 Problems& problems, const TableLimits& limits) {
  Table table{std::string(file), {}, {}};
  Workbook book(file, bytes, problems, limits);
  if (!book.ok()) return table;
  auto refs = sheet_refs(book);
  if (refs.empty()) return table;

  auto chosen = refs.begin();
  if (!sheet.empty()) {
    chosen = std::find_if(refs.begin(), refs.end(),
                          [&](const SheetRef& ref) { return ref.name == sheet; });
    if (chosen == refs.end()) {
      book.fail("the workbook has no sheet named " + std::string(sheet));
      return table;
    }
  }
  if (refs.size() > 1) table.file += " [" + chosen->name + "]";

  const std::size_t problems_before = problems.size();
  const auto strings = shared_strings(book);
  if (problems.size() != problems_before) return table;
  pugi::xml_document doc;
  if (!book.load_xml(chosen->part, doc, true)) return table;

  // Past a limit the sheet is refused as a whole: half a table would import wrong.
  auto refuse = [&](int row, std::string reason) {
    problems.push_back({table.file, row, "too large for a contest's table: " + std::move(reason)});
    table.rows.clear();
    return table;
  };
  std::size_t rows = 0, cells = 0;
  int previous_row = 0;
  for (auto row : child(child(doc, "worksheet"), "sheetData").children()) {
    if (!is(row, "row")) continue;
    // Row numbers are optional in the format; without one a row follows the previous.
    int number = row.attribute("r").as_int(previous_row + 1);
    previous_row = number;
    if (++rows > limits.rows) {
      return refuse(number, "more than " + std::to_string(limits.rows) + " rows");
    }
    TableRow out{number, {}};
    int next_column = 0;
    for (auto cell : row.children()) {
      if (!is(cell, "c")) continue;
      const char* ref = cell.attribute("r").value();
      int column = xlsx_column_index(ref);
      if (column < 0) column = next_column;
      // A row is as wide as its last cell: a far column is refused, never allocated.
      if (static_cast<std::size_t>(column) >= limits.columns) {
        std::string letters;
        for (const char* c = ref; std::isalpha(static_cast<unsigned char>(*c)); ++c) letters += *c;
        return refuse(
            number, "a cell in column " + (letters.empty() ? std::to_string(column + 1) : letters) +
                        ", beyond the first " + std::to_string(limits.columns) + " columns");
      }
      if (static_cast<std::size_t>(column) >= out.cells.size()) {
        cells += static_cast<std::size_t>(column) + 1 - out.cells.size();
        if (cells > limits.cells) {
          return refuse(number, "more than " + std::to_string(limits.cells) + " cells in all");
        }
        out.cells.resize(static_cast<std::size_t>(column) + 1);
      }
      out.cells[static_cast<std::size_t>(column)] = cell_text(cell, strings, book, number);
      next_column = column + 1;
    }
    const bool blank = std::all_of(out.cells.begin(), out.cells.end(), [](const std::string& s) {
      return s.find_first_not_of(" \t") == std::string::npos;
    });
    if (!blank) table.rows.push_back(std::move(out));
  }
  return table;
}

}  // namespace stagevote::tools
