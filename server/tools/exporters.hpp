#pragma once
// The files organisers publish and keep: results as CSV and XLSX, the ledger as CSV, and
// the print-ready publication sheet (公示) as HTML and PDF. Each returns the file's bytes,
// so the console can send them as they are; `round` nullopt means the whole contest.
// An unknown round throws std::invalid_argument.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/show.hpp"

namespace stagevote::store {
class Store;
}

namespace stagevote::tools {

// The ledger's state at export time, printed on exports so a published sheet can be checked
// against the database later (`stagevote verify --head HASH`).
struct LedgerSeal {
  std::int64_t records = 0;
  std::string head_hash;     // hash of the last record ("" when empty)
  std::string contest_hash;  // SHA-256 of the stored contest (what `verify` prints; "" if none)
};
LedgerSeal ledger_seal(const store::Store& store);
// The seal in one line, for the head of the CSVs and the about sheet: the record count, the
// short head hash (as the display shows it), the full one and how to check it.
std::string seal_text(const LedgerSeal& seal);

// UTF-8 CSV with a BOM (Excel opens it with Chinese intact), its first line the seal. Whole
// contest: one table, every row starting with its round. Cells are neutralised (csv.hpp).
std::string export_results_csv(const core::Show& show, const std::optional<std::string>& round,
                               const LedgerSeal& seal);

// A workbook: one sheet per round (or the one round), a corrections sheet, an about sheet with
// the contest, the rules and the seal. Dropped totals struck through, amended results marked.
// The languages of the 公示: Chinese only (the default) or Chinese with English.
enum class Languages { zh, zh_en };

// Its first sheet is the 公示 as the HTML prints it (in `languages`).
std::string export_results_xlsx(const core::Show& show, const std::optional<std::string>& round,
                                const LedgerSeal& seal, Languages languages = Languages::zh);

// The publication sheet: A4 landscape HTML with print CSS, one section per round (ranking,
// every judge's total with dropped ones struck through, components, final, award, amended
// marks), the corrections, the rules, the seal and signature lines. `generated_at` (ms) is
// printed as the export time. The head carries the scheme's [publication] (date, venue, 公示期,
// 监督电话); every entry has its 编号; entries not revealed are listed unranked (未参赛/未完成);
// the contest hash and the ledger head are printed.
std::string export_publication_html(const core::Show& show, const std::optional<std::string>& round,
                                    const LedgerSeal& seal, std::int64_t generated_at,
                                    Languages languages = Languages::zh);

// Every ledger record: seq, time, kind, actor, the score fields, before/after for corrections
// (and scores), reason, the payload and both hashes, after a first line with the seal. An
// audience device token is a live credential: wherever it appears (a vote's actor and
// device) it is replaced by its pseudonym under `pseudonym_key` (device_pseudonym), so a vote
// record's hash cannot be recomputed from the file; every other record's can.
std::string export_ledger_csv(const store::Store& store, std::string_view pseudonym_key);

// The database's key for device pseudonyms (meta `pseudonym_key`, 32 random bytes, made on
// first use). Writes SQLite when it makes one: call it at start-up or from the CLI.
std::string pseudonym_key(store::Store& store);
// "dev-" and 16 hex digits of HMAC-SHA256(key, token): the same phone gets the same
// pseudonym in every export of the contest; it is not a token and cannot say hello.
std::string device_pseudonym(std::string_view key, std::string_view token);

// Where Chromium is looked for (/usr/bin/chromium, then chromium-browser, google-chrome).
std::optional<std::string> find_chromium();

// Prints `html` to a PDF file with headless Chromium. Returns "" on success, else the reason.
std::string print_pdf(const std::string& html, const std::string& pdf_path);

// The same, returning the PDF's bytes (for the console); throws std::runtime_error with the
// reason. Takes seconds: call it off the network threads.
std::string render_pdf(const std::string& html);

}  // namespace stagevote::tools
