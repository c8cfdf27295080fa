package dev.plinth.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What every {@code plinth} subcommand shares: the streams and usage errors. */
abstract class StoreCommand implements Callable<Integer> {
    @ParentCommand
    PlinthCommand root;

    @Spec
    CommandSpec spec;

    /** @return standard output */
    PrintStream out() {
        return root.io().out();
    }

    /** @return standard error */
    PrintStream err() {
        return root.io().err();
    }

    /**
     * Says on standard error, in one line, that a store keeps nothing after the process ends, so that a
     * write to {@code mem:} is not silently discarded. Call after the command wrote.
     *
     * @param store the store written
     */
    void warnIfNotPersistent(dev.plinth.Store store) {
        if (!store.capabilities().persistent()) {
            Text.println(err(), "plinth: " + store.uri() + " is not persistent: what this command wrote is gone "
                    + "when it exits");
        }
    }

    /**
     * A usage error for this command: exit code 2 with picocli's message and a pointer to {@code --help}.
     *
     * @param message what is wrong
     * @return the exception to throw
     */
    CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
