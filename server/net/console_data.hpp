#pragma once
// What the host console's data routes (POST /api/import, GET /api/export, the printed form of
// POST /api/tickets) ask of the application: the net layer parses and authorises the request,
// the implementation (in server/app/, on top of the organisers' tools) does the work off the
// network threads.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/tickets.hpp"

namespace stagevote::net {

// One uploaded file: its name as the browser gave it, and its bytes.
struct UploadedFile {
  std::string name;
  std::string bytes;
};

// What to send back. A `filename` makes it an attachment (Content-Disposition).
struct ConsoleReply {
  unsigned status = 200;  // HTTP status
  std::string content_type = "application/json";
  std::string filename;
  std::string body;
};

class ConsoleData {
 public:
  using Done = std::function<void(ConsoleReply)>;

  virtual ~ConsoleData() = default;

  // Imports the files (scheme, entries, judges) as the new contest if the show has not
  // started. `done` is called exactly once, on any thread.
  virtual void import_files(std::vector<UploadedFile> files, Done done) = 0;

  // `format`: csv | xlsx | html | pdf | ledger; `round`: a round id, or nullopt for the whole
  // contest. `done` is called exactly once, on any thread.
  virtual void export_file(std::string format, std::optional<std::string> round, Done done) = 0;

  // Whether PDFs can be printed here (Chromium is installed). Asked before tickets are made
  // for a printed sheet: tickets whose sheet cannot be printed would be made for nothing.
  virtual bool prints_pdf() const = 0;

  // The seat-ticket sheet of `tickets` (made already) as a PDF attachment, their QR codes
  // linking to `base_url`, the instructions in English too if `english`. Should printing
  // fail, the reply still carries the codes, which exist nowhere else. `done` is called
  // exactly once, on any thread.
  virtual void ticket_sheet(std::vector<core::SeatTicket> tickets, std::string base_url,
                            bool english, Done done) = 0;

  // Asked before an upload is parsed: a reply (409, the show has started) refuses it at once;
  // nullopt lets it in. Cheap: it runs on a network thread.
  virtual std::optional<ConsoleReply> import_closed() const { return std::nullopt; }
};

}  // namespace stagevote::net
