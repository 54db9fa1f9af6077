// The shiwake subcommands, one file each (tools/cmd_<command>.cpp); tools/shiwake.cpp
// dispatches `shiwake <command> ...` to them. Each returns the process exit code.
#pragma once

int run_import(int argc, char** argv);
