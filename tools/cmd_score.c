/* feedwatch score: arrives with issue 4. */
#include "config.h"

#include "tools/commands.h"

int
cmd_score(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return command_not_built("score", "issue 4");
}
