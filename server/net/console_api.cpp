#include "net/console_api.hpp"

#include <cctype>
#include <memory>
#include <variant>
#include <vector>

#include "engine/tickets.hpp"
#include "net/http_headers.hpp"
#include "net/http_routes.hpp"
#include "net/multipart.hpp"
#include "net/server_context.hpp"
#include "protocol/api.hpp"

namespace stagevote::net {

namespace http = boost::beast::http;

namespace {

constexpr std::string_view kImport = "/api/import";
constexpr std::string_view kExport = "/api/export";
constexpr std::string_view kTickets = "/api/tickets";
constexpr std::size_t kMaxFiles = 16;

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

std::string_view target_of(const http_request& request) {
  const auto target = request.target();
  return {target.data(), target.size()};
}

http_response error_response(http::status status, std::string_view code, std::string_view message,
                             const http_request& request) {
  return json_response(status, protocol::error_body(code, message), request);
}

// The ASCII fallback of a file name: anything else becomes '_'.
std::string ascii_name(std::string_view name) {
  std::string out;
  for (const unsigned char c : name) {
    const bool plain = std::isalnum(c) || c == '.' || c == '-' || c == '_';
    out.push_back(plain && c < 0x80 ? static_cast<char>(c) : '_');
  }
  return out;
}

std::string percent_encoded(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) && c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c == '.' || c == '-' || c == '_') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

http_response to_response(ConsoleReply reply, const http_request& request) {
  http_response response{static_cast<http::status>(reply.status), request.version()};
  set_common_headers(response);
  response.set(http::field::content_type, reply.content_type);
  response.set(http::field::cache_control, "no-store");
  if (!reply.filename.empty()) {
    response.set(http::field::content_disposition,
                 "attachment; filename=\"" + ascii_name(reply.filename) + "\"; filename*=UTF-8''" +
                     percent_encoded(reply.filename));
  }
  response.keep_alive(request.keep_alive());
  const auto size = reply.body.size();
  if (request.method() != http::verb::head) response.body() = std::move(reply.body);
  response.prepare_payload();
  if (request.method() == http::verb::head) response.content_length(size);
  return response;
}

http_response method_not_allowed(std::string_view allow, const http_request& request) {
  auto response = json_response(http::status::method_not_allowed,
                                protocol::error_body("method_not_allowed"), request);
  response.set(http::field::allow, allow);
  return response;
}

// The files of a multipart/form-data upload, or the 400 that explains what is wrong.
std::variant<std::vector<UploadedFile>, http_response> uploaded_files(const http_request& request) {
  const auto type_field = request[http::field::content_type];
  const auto boundary = multipart_boundary({type_field.data(), type_field.size()});
  if (!boundary) {
    return error_response(http::status::bad_request, "bad_request",
                          "send the files as multipart/form-data (a FormData)", request);
  }
  FormParts form = parse_multipart(request.body(), *boundary, kMaxFiles * 2);
  if (!form.error.empty()) {
    return error_response(http::status::bad_request, "bad_request",
                          "the upload is not well-formed multipart/form-data: " + form.error,
                          request);
  }
  std::vector<UploadedFile> files;
  for (auto& part : form.parts) {
    if (!part.filename || part.filename->empty()) continue;  // other fields, empty file inputs
    files.push_back({std::move(*part.filename), std::move(part.body)});
  }
  if (files.empty()) {
    return error_response(http::status::bad_request, "bad_request", "no files in the upload",
                          request);
  }
  if (files.size() > kMaxFiles) {
    return error_response(http::status::bad_request, "bad_request",
                          "at most " + std::to_string(kMaxFiles) + " files at once", request);
  }
  return files;
}

// POST /api/tickets {"count": N[, "format": "pdf"][, "lang": "zh,en"]}: N new seat tickets,
// their codes in the reply only: as JSON, or printed on the ticket sheet (a PDF made by the
// console's worker, its QR codes linking to this server).
void make_tickets(const ServerContext& context, const http_request& request,
                  std::function<void(http_response)> respond) {
  if (request.method() != http::verb::post) return respond(method_not_allowed("POST", request));
  if (!host_authorised(context, request)) return respond(unauthorized_response(request));
  const auto parsed = protocol::parse_tickets_request(request.body());
  if (!parsed) {
    return respond(
        error_response(http::status::bad_request, "bad_request", parsed.error().message, request));
  }
  const protocol::TicketsRequest asked = parsed.value();
  std::shared_ptr<ConsoleData> console = context.options.console;
  // Refused before any ticket is made: a sheet that cannot be printed would lose their codes.
  if (asked.pdf && !console) {
    return respond(error_response(http::status::not_implemented, "not_available",
                                  "this server was built without the organisers' tools", request));
  }
  if (asked.pdf && !console->prints_pdf()) {
    return respond(error_response(http::status::not_implemented, "no_pdf",
                                  "PDF needs Chromium (/usr/bin/chromium), which this server does "
                                  "not have; ask for the codes as JSON instead",
                                  request));
  }
  engine::issue_tickets(
      context.service.engine(), static_cast<int>(asked.count),
      [asked, console = std::move(console), base_url = context.base_url,
       respond = std::move(respond),
       header = http_request(static_cast<const http_request::header_type&>(request))](
          std::variant<std::vector<core::SeatTicket>, core::Error> made) mutable {
        if (auto* error = std::get_if<core::Error>(&made)) {
          const bool bad = error->code == core::ErrorCode::bad_request;
          return respond(error_response(bad ? http::status::bad_request : http::status::conflict,
                                        core::to_string(error->code), error->message, header));
        }
        auto& tickets = std::get<std::vector<core::SeatTicket>>(made);
        if (asked.pdf) {
          return console->ticket_sheet(
              std::move(tickets), std::move(base_url), asked.english,
              [respond = std::move(respond), header = std::move(header)](ConsoleReply reply) {
                respond(to_response(std::move(reply), header));
              });
        }
        respond(json_response(http::status::ok, protocol::tickets_body(tickets), header));
      });
}

}  // namespace

bool is_console_route(std::string_view target) {
  const auto path = path_of(target);
  return path == kImport || path == kExport || path == kTickets;
}

bool is_upload(const http_request& header) {
  return header.method() == http::verb::post && path_of(target_of(header)) == kImport;
}

http_response upload_refused(const ServerContext& context, const http_request& header) {
  auto response =
      host_authorised(context, header)
          ? error_response(http::status::payload_too_large, "too_large",
                           "uploads may be at most " +
                               std::to_string(kUploadLimit / (1024 * 1024)) + " MiB in all",
                           header)
          : unauthorized_response(header);
  response.keep_alive(false);
  return response;
}

void handle_console(const ServerContext& context, http_request&& request,
                    std::function<void(http_response)> respond) {
  const auto target = target_of(request);
  if (path_of(target) == kTickets) return make_tickets(context, request, std::move(respond));
  const bool is_import = path_of(target) == kImport;
  if (is_import && request.method() != http::verb::post) {
    return respond(method_not_allowed("POST", request));
  }
  if (!is_import && request.method() != http::verb::get && request.method() != http::verb::head) {
    return respond(method_not_allowed("GET, HEAD", request));
  }
  if (!host_authorised(context, request)) return respond(unauthorized_response(request));
  const auto& console = context.options.console;
  if (!console) {
    return respond(error_response(http::status::not_implemented, "not_available",
                                  "this server was built without the organisers' tools", request));
  }

  // The job's reply becomes the response to this request; only the request's header travels
  // with the job, not its body.
  auto finish = [&respond, &request] {
    return [respond = std::move(respond),
            header = http_request(static_cast<const http_request::header_type&>(request))](
               ConsoleReply reply) { respond(to_response(std::move(reply), header)); };
  };

  if (is_import) {
    // Once the show has started, refused before the upload is parsed (even as multipart).
    if (auto closed = console->import_closed()) {
      return respond(to_response(std::move(*closed), request));
    }
    auto files = uploaded_files(request);
    if (auto* refused = std::get_if<http_response>(&files)) return respond(std::move(*refused));
    return console->import_files(std::move(std::get<std::vector<UploadedFile>>(files)), finish());
  }
  const auto question = target.find('?');
  const auto query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  const auto format = query_value(query, "format");
  if (!format || format->empty()) {
    return respond(error_response(http::status::bad_request, "bad_request",
                                  "format= is required: csv, xlsx, html, pdf or ledger", request));
  }
  auto round = query_value(query, "round");
  if (round && (round->empty() || *round == "all")) round.reset();
  console->export_file(*format, std::move(round), finish());
}

}  // namespace stagevote::net
