/**
 * The {@code plinth} command: one picocli subcommand class per command, all rooted in
 * {@link dev.plinth.cli.PlinthCommand}; {@link dev.plinth.cli.Main} runs it. Commands write through
 * {@link dev.plinth.cli.Io} so that tests run them in-process; errors become one line and an
 * {@link dev.plinth.cli.ExitCode}. What each command prints is specified by {@code docs/cli.md} and pinned
 * by the golden scripts under {@code src/test/resources/golden/}.
 */
package dev.plinth.cli;
