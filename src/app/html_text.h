// The readable text of an HTML error page (gateways, proxies, load balancers), as one line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pcusage {

// The text a browser would show of `html`: tags dropped, and with them the content of <style>,
// <script>, <noscript> and <template>; character references decoded (&amp; &lt; &gt; &quot;
// &apos; &nbsp; &#NNN; &#xHH;); whitespace folded to single spaces. The <title> comes first unless
// the page's text starts with it already, so a title repeated as a heading reads once. At most
// about `max_bytes` bytes.
std::string html_text(std::string_view html, std::size_t max_bytes = 400);

}  // namespace pcusage
