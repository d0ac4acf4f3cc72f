/* feedwatch check: arrives with issue 4. */
#include "config.h"

#include "tools/commands.h"

int
cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return command_not_built("check", "issue 4");
}
