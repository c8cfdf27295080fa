package dev.plinth.cli;

import dev.plinth.cli.bench.RaftLogBenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code plinth raftlog bench}: tools for the Raft log storage of {@code plinth-raftlog} (docs/raftlog.md). */
@Command(name = "raftlog", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Tools for the Raft log storage of plinth-raftlog (docs/raftlog.md).",
        subcommands = {RaftLogBenchCommand.class})
final class RaftLogCommand implements Runnable {
    @ParentCommand
    PlinthCommand root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(root.io().out());
    }
}
