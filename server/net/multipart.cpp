#include "net/multipart.hpp"

#include <algorithm>
#include <cctype>

#include "net/static_files.hpp"

namespace stagevote::net {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Header parameters: `form-data; name="files"; filename="a.csv"` -> (name, value) pairs,
// names lower-cased, quoted values unescaped. The first item (the value itself) is skipped.
std::vector<std::pair<std::string, std::string>> header_params(std::string_view value) {
  std::vector<std::pair<std::string, std::string>> params;
  std::size_t i = value.find(';');
  while (i != std::string_view::npos && i < value.size()) {
    ++i;  // past ';'
    const std::size_t eq = value.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string name = lower(trim(value.substr(i, eq - i)));
    std::size_t j = eq + 1;
    while (j < value.size() && (value[j] == ' ' || value[j] == '\t')) ++j;
    std::string param;
    if (j < value.size() && value[j] == '"') {
      for (++j; j < value.size() && value[j] != '"'; ++j) {
        if (value[j] == '\\' && j + 1 < value.size()) ++j;
        param.push_back(value[j]);
      }
      i = value.find(';', j);
    } else {
      const std::size_t end = value.find(';', j);
      param = std::string(trim(value.substr(j, end == std::string_view::npos ? end : end - j)));
      i = end;
    }
    params.emplace_back(std::move(name), std::move(param));
  }
  return params;
}

// A file name as the browser sent it, without a path (old browsers send C:\...\a.csv).
std::string base_name(std::string name) {
  const auto slash = name.find_last_of("/\\");
  if (slash != std::string::npos) name.erase(0, slash + 1);
  return name;
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  const auto semicolon = content_type.find(';');
  if (lower(trim(content_type.substr(0, semicolon))) != "multipart/form-data") return std::nullopt;
  for (auto& [name, value] : header_params(content_type)) {
    if (name == "boundary" && !value.empty() && value.size() <= 70) return value;
  }
  return std::nullopt;
}

FormParts parse_multipart(std::string_view body, std::string_view boundary, std::size_t max_parts) {
  FormParts out;
  const std::string delimiter = "--" + std::string(boundary);
  const std::string next = "\r\n" + delimiter;
  // The first delimiter opens the body or follows a preamble's line break.
  std::size_t pos = body.substr(0, delimiter.size()) == delimiter ? 0 : body.find(next);
  if (pos == std::string_view::npos) {
    out.error = "no part starts with the boundary";
    return out;
  }
  if (pos != 0) pos += 2;
  while (true) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--") return out;  // the closing delimiter
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) != "\r\n") {
      out.error = "a boundary line is not followed by a line break";
      return out;
    }
    pos += 2;
    const std::size_t headers_end = body.find("\r\n\r\n", pos);
    const std::size_t part_end = body.find(next, pos);
    if (part_end == std::string_view::npos) {
      out.error = "the body ends without its closing boundary";
      return out;
    }
    if (out.parts.size() == max_parts) {
      out.error = "more than " + std::to_string(max_parts) + " parts";
      return out;
    }
    FormPart part;
    bool has_disposition = false;
    // Headers, then an empty line; a part without headers starts with the empty line at once.
    std::size_t body_start;
    if (body.substr(pos, 2) == "\r\n") {
      body_start = pos + 2;
    } else if (headers_end != std::string_view::npos && headers_end < part_end) {
      std::string_view headers = body.substr(pos, headers_end - pos);
      body_start = headers_end + 4;
      while (!headers.empty()) {
        const std::size_t eol = headers.find("\r\n");
        const std::string_view line = headers.substr(0, eol);
        headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        if (lower(trim(line.substr(0, colon))) != "content-disposition") continue;
        const std::string_view value = trim(line.substr(colon + 1));
        if (lower(trim(value.substr(0, value.find(';')))) != "form-data") continue;
        has_disposition = true;
        std::optional<std::string> extended;
        for (auto& [name, param] : header_params(value)) {
          if (name == "name") part.name = param;
          if (name == "filename") part.filename = base_name(param);
          if (name == "filename*") {
            // RFC 5987: UTF-8''percent-encoded
            const auto quote = param.find("''");
            if (quote != std::string::npos && lower(param.substr(0, quote)) == "utf-8") {
              extended = percent_decode(std::string_view(param).substr(quote + 2));
            }
          }
        }
        if (extended) part.filename = base_name(*extended);
      }
    } else {
      out.error = "a part has no blank line after its headers";
      return out;
    }
    if (body_start > part_end) {
      out.error = "a part has no blank line after its headers";
      return out;
    }
    if (!has_disposition) {
      out.error = "a part has no Content-Disposition: form-data header";
      return out;
    }
    part.body = std::string(body.substr(body_start, part_end - body_start));
    out.parts.push_back(std::move(part));
    pos = part_end + 2;
  }
}

}  // namespace stagevote::net
