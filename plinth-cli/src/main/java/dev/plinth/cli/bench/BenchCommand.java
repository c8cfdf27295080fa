package dev.plinth.cli.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the benchmark harness lands. */
@Command(name = "bench", description = "Benchmark stores side by side (not yet implemented).")
public final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("plinth bench: not implemented yet");
        return 1;
    }
}
