#pragma once
// A spreadsheet as the importers see it: rows of text cells, each row knowing where it came
// from, whatever the file format (CSV or XLSX).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "tools/problem.hpp"

namespace stagevote::tools {

struct TableRow {
  int line = 0;  // CSV: the physical line the record starts on; XLSX: the sheet row number
  std::vector<std::string> cells;
};

struct Table {
  std::string file;
  std::vector<TableRow> rows;  // rows with only blank cells are left out
  // What the import should tell the organiser about how the file was read
  // ("judges.csv: read as GB18030 (GBK)").
  std::vector<std::string> notes;
};

// What an organiser's table may hold at most, so that a hostile file cannot take the server's
// memory (a 1.9 KB workbook with a cell at column XFD in 400 rows once made 214 MiB of empty
// cells). Far above any real contest's tables: a few hundred entries, a dozen columns.
struct TableLimits {
  std::size_t rows = 10'000;
  std::size_t columns = 256;    // a cell beyond column IV is refused, not allocated
  std::size_t cells = 200'000;  // cells allocated in all (a row is as wide as its last cell)
  std::size_t shared_strings = 200'000;
  std::size_t part_bytes = 16u << 20;    // one XLSX part, decompressed
  std::size_t total_bytes = 32u << 20;   // every XLSX part read, decompressed
  std::size_t xml_elements = 1'000'000;  // per XLSX part, counted before it is parsed
};

// Whether a problem is a file over its TableLimits (its reason says "... for a contest's
// table"): such a file is refused as a whole.
bool is_size_problem(const Problem& problem);

// An uploaded or read file: its name (the extension chooses the format) and its bytes.
struct SourceFile {
  std::string name;
  std::string bytes;
};

// Reads a .csv or .xlsx file into a table. A CSV (or .txt) in GB18030/GBK or UTF-16 is
// decoded to UTF-8 (tab-separated if its first line is) with a note naming the encoding. Problems
// (unknown extension, malformed file) are appended to `problems` and an empty table is returned. In
// a workbook of several sheets the first sheet named (case-insensitively) in `preferred_sheets` is
// read, else the first.
Table read_table(const SourceFile& source, Problems& problems,
                 const std::vector<std::string>& preferred_sheets = {},
                 const TableLimits& limits = {});

// The lower-cased extension of a file name, without the dot ("" if none).
std::string extension_of(std::string_view name);

// Reads a whole file from disk; throws std::runtime_error naming the file on failure.
SourceFile load_source_file(const std::string& path);

}  // namespace stagevote::tools
