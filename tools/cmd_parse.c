/* feedwatch parse: arrives with issue 3. */
#include "config.h"

#include "tools/commands.h"

int
cmd_parse(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return command_not_built("parse", "issue 3");
}
