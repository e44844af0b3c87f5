#include "support/run_pcusage.h"

namespace pcusage::test {

std::map<std::string, std::string> base_env() {
  return {{"LANG", "C"}, {"NO_PROXY", "*"}, {"HOME", "/nonexistent"}};
}

ProcessResult run_pcusage(std::vector<std::string> args, std::map<std::string, std::string> env,
                          const std::string& input) {
  args.insert(args.begin(), PCUSAGE_BINARY);
  return run_process(args, env, input);
}

ProcessResult against(const LoopbackServer& server, std::vector<std::string> args,
                      std::map<std::string, std::string> env) {
  env["PCUSAGE_TOKEN"] = kToken;
  args.insert(args.begin(), {"--base-url", server.url()});
  return run_pcusage(args, env);
}

}  // namespace pcusage::test
