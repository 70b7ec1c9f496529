package org.infnet.command;

import java.util.Map;
import org.scijava.Context;
import org.scijava.command.Command;
import org.scijava.command.CommandService;
import org.scijava.module.Module;
import org.scijava.module.ModuleService;

/**
 * Runs a command as Fiji does (preprocessors, initializers), through {@link ModuleService}: the commands with a
 * model choice are {@link org.scijava.command.DynamicCommand}s, for which {@code CommandService.run} returns null
 * (SciJava's documented API flaw), so scripts and tests use this form.
 */
public final class RunCommand {

    private RunCommand() {}

    /** The finished module; a failure of the command is thrown as the future's {@code ExecutionException}. */
    public static Module run(Context ctx, Class<? extends Command> command, Map<String, Object> inputs) throws Exception {
        return ctx.service(ModuleService.class).run(ctx.service(CommandService.class).getCommand(command), true, inputs)
                .get();
    }
}
