#include "cli/usage_errors.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <map>
#include <optional>

#include "core/text.h"

namespace pcusage {

namespace {

Error usage(const std::string& message) {
  return make_error(ExitCode::kUsage, printable_excerpt(message, 300));
}

// Levenshtein distance with adjacent transpositions counted as one edit ("tokne" -> "token").
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// The command line as the parser sees it: which spellings exist, and whether they take a value.
class Grammar {
 public:
  explicit Grammar(const CLI::App& app) { enter(app); }

  // Switches to the subcommand named `word` when there is one; true when it did.
  bool enter_subcommand(const std::string& word) {
    for (const CLI::App* sub : m_app->get_subcommands({})) {
      if (sub->check_name(word)) {
        enter(*sub);
        return true;
      }
    }
    return false;
  }

  // The option spelled `name` ("-o", "--output"), or nullptr.
  const CLI::Option* find(const std::string& name) const {
    auto it = m_spellings.find(name);
    return it == m_spellings.end() ? nullptr : it->second;
  }

  // How many positional arguments (such as a command name) the parser takes.
  std::size_t positionals() const { return m_positionals; }

  // Every long spelling, for suggestions.
  std::vector<std::string> long_names() const {
    std::vector<std::string> out;
    for (const auto& [name, opt] : m_spellings) {
      if (name.rfind("--", 0) == 0) out.push_back(name);
    }
    return out;
  }

 private:
  void enter(const CLI::App& app) {
    m_app = &app;
    m_spellings.clear();
    m_positionals = 0;
    // A subcommand also accepts its parents' options (CLI11 falls through to them).
    for (const CLI::App* a = &app; a != nullptr; a = a->get_parent()) {
      for (const CLI::Option* opt : a->get_options({})) {
        if (!opt->nonpositional()) ++m_positionals;
        for (const auto& l : opt->get_lnames()) m_spellings.emplace("--" + l, opt);
        for (const auto& s : opt->get_snames()) m_spellings.emplace("-" + s, opt);
      }
    }
  }

  const CLI::App* m_app = nullptr;
  std::map<std::string, const CLI::Option*> m_spellings;
  std::size_t m_positionals = 0;
};

bool takes_value(const CLI::Option* opt) { return opt->get_expected_max() > 0; }

// Options that take one value at most once (not lists such as --customer, given once per value).
bool single_value(const CLI::Option* opt) {
  return opt->get_expected_max() == 1 &&
         opt->get_multi_option_policy() == CLI::MultiOptionPolicy::Throw;
}

bool looks_like_option(const std::string& arg) { return arg.size() > 1 && arg[0] == '-'; }

Error unknown_option(const Grammar& grammar, const std::string& written) {
  const std::string near = nearest_name(written, grammar.long_names());
  if (!near.empty()) return usage("unknown option " + written + "; did you mean " + near + "?");
  return usage("unknown option " + written + " (see 'pcusage --help')");
}

// Named by its long form, which says what the value is for even when "-o" was typed.
Error missing_value(const CLI::Option* opt, const std::string& written) {
  const std::string name = opt->get_lnames().empty() ? written : "--" + opt->get_lnames().front();
  const std::string& what = opt->get_description();
  return usage(name + " needs a value" + (what.empty() ? "" : ": " + what));
}

}  // namespace

Error columns_spill(const std::string& word) {
  return usage("--columns: unexpected \"" + printable_excerpt(word, 60) +
               "\" after it (a '*' expanded by the shell into file names?); quote the '*': "
               "--columns '*'");
}

bool follows_columns_value(const std::vector<std::string>& args, const std::string& word) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--") return false;
    const bool joined = args[i].rfind("--columns=", 0) == 0;
    if ((joined && args[i + 1] == word) ||
        (args[i] == "--columns" && i + 2 < args.size() && args[i + 2] == word)) {
      return true;
    }
  }
  return false;
}

std::string nearest_name(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(to_lower(word), to_lower(c));
    if (best.empty() || d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  // Near enough: at most 2 edits, and fewer than a third of the word (a typo, not another word).
  const std::size_t limit = std::min<std::size_t>(2, std::max<std::size_t>(1, word.size() / 3));
  return !best.empty() && best_distance <= limit ? best : std::string();
}

Error usage_error_for(const CLI::App& app, const std::vector<std::string>& args,
                      const std::string& fallback) {
  Grammar grammar(app);
  std::map<const CLI::Option*, std::string> seen;  // value options given so far, as written
  std::string previous_option;                     // the option whose value came just before
  std::size_t positionals = 0;                     // positional arguments taken so far
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") break;
    if (!looks_like_option(arg)) {
      if (grammar.enter_subcommand(arg)) continue;
      if (previous_option == "--columns") return columns_spill(arg);
      if (++positionals <= grammar.positionals()) continue;
      return usage("unexpected argument \"" + printable_excerpt(arg, 60) +
                   "\" (see 'pcusage --help')");
    }
    previous_option.clear();
    // One option, or with a single dash possibly several flags and then a value ("-vojson").
    std::string written;
    std::optional<std::string> inline_value;
    std::vector<std::string> shorts;
    if (arg.rfind("--", 0) == 0) {
      const std::size_t eq = arg.find('=');
      written = arg.substr(0, eq);
      if (eq != std::string::npos) inline_value = arg.substr(eq + 1);
      shorts.push_back(written);
    } else {
      for (std::size_t k = 1; k < arg.size(); ++k) {
        const std::string name = std::string("-") + arg[k];
        const CLI::Option* opt = grammar.find(name);
        shorts.push_back(name);
        if (opt != nullptr && takes_value(opt) && k + 1 < arg.size()) {
          inline_value = arg.substr(k + 1);
          break;
        }
        if (opt == nullptr) break;
      }
    }
    for (const std::string& name : shorts) {
      const CLI::Option* opt = grammar.find(name);
      if (opt == nullptr) return unknown_option(grammar, name);
      if (!takes_value(opt)) continue;
      if (single_value(opt) && !seen.emplace(opt, name).second) return usage(name + " given twice");
      if (inline_value) break;
      if (i + 1 >= args.size() || looks_like_option(args[i + 1])) return missing_value(opt, name);
      ++i;
      previous_option = opt->get_lnames().empty() ? name : "--" + opt->get_lnames().front();
    }
  }
  return usage(fallback + " (see 'pcusage --help')");
}

}  // namespace pcusage
