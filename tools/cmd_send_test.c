/* feedwatch send-test: arrives with issue 7. */
#include "config.h"

#include "tools/commands.h"

int
cmd_send_test(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return command_not_built("send-test", "issue 7");
}
