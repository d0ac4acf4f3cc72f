/* feedwatch status: arrives with issue 8. */
#include "config.h"

#include "tools/commands.h"

int
cmd_status(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return command_not_built("status", "issue 8");
}
