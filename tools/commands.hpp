// The shiwake commands, one file each (tools/cmd_<name>.cpp); shiwake.cpp dispatches.
// Each takes the arguments after the command name (argv[0] is the command) and returns
// the exit code: 0 success, 1 findings, 2 usage or input errors.
#pragma once

namespace shiwake::tools {

int run_classify(int argc, char** argv);
int run_import(int argc, char** argv);
int run_test(int argc, char** argv);
int run_eval(int argc, char** argv);
int run_diff(int argc, char** argv);
int run_explain(int argc, char** argv);
int run_report(int argc, char** argv);
int run_check(int argc, char** argv);

}  // namespace shiwake::tools
