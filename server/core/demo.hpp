#pragma once
// The bundled demo contest: 椰树杯 党建创新引领工作创优大赛 from the article.
#include "model.hpp"

namespace stagevote::core {

// At least 40 entries from units the article names, four forms, five themes, a preliminary
// round of >= 12 entries and a final, >= 7 judges (some from units with entries), criteria
// summing to 100. Deterministic: the same contest (and tokens) every time.
Contest demo_contest();

}  // namespace stagevote::core
