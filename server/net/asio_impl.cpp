// Boost.Asio and Boost.Beast compiled once for the whole program (separate compilation):
// every other file only sees declarations, which keeps builds on small machines fast.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
