#pragma once
// A small contest and helpers shared by the core's tests.
#include <initializer_list>
#include <string>
#include <vector>

#include "core/show.hpp"

namespace stagevote::core::test {

// Four criteria summing to 100 (40/30/20/10), 2 decimals, results published with 3, trim 1
// from 5 judges, 0.9/0.1.
// Units U1..U4; entries e1..e6 (e1,e5 of U1; e2,e6 of U2; e3 of U3; e4 of U4);
// rounds r1 = e1..e4 and r2 = e5, e6, e1; judges j1 (U1), j2 (U2), j3..j7 (no unit);
// awards first x1, second x2, third x3.
Contest small_contest();

// Marks for the small contest's four criteria.
Marks marks(double c1, double c2, double c3, double c4);

// Applies every command at increasing times from `start`; each must succeed.
void run(Show& show, std::initializer_list<Command> commands, Millis start = 1000);

// Everything observable about a show, as text: equal fingerprints, equal shows.
std::string fingerprint(const Show& show);

}  // namespace stagevote::core::test
