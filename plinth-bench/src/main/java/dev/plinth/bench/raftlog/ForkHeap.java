package dev.plinth.bench.raftlog;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The heap a Raft log benchmark's fork must have: {@code -Xms} equal to {@code -Xmx} and {@code -XX:+AlwaysPreTouch},
 * set in each benchmark's {@code @Fork(jvmArgs = ...)}. They sit in {@code jvmArgs}, not {@code jvmArgsAppend},
 * because JMH's {@code -jvmArgsAppend} on the command line (how the data-set properties are passed) replaces the
 * annotation's {@code jvmArgsAppend}: a fork then ran on a default, growing heap, and on this project's virtual
 * machines memory touched for the first time costs about 3 ms per MB, which a read that allocates 2 MB pays on every
 * call until the heap stops growing (docs/performance.md, 2026-12-06, raftlog9). A fork without them still runs
 * (the unit tests call the benchmarks in process) but says so on standard error, where JMH shows it.
 */
final class ForkHeap {
    private ForkHeap() {
    }

    /** Warns on standard error if this JVM's heap is not fixed and pretouched. */
    static void warnUnlessPretouched() {
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        String xms = null;
        String xmx = null;
        boolean pretouch = false;
        for (String a : args) {
            if (a.startsWith("-Xms")) {
                xms = a.substring(4);
            } else if (a.startsWith("-Xmx")) {
                xmx = a.substring(4);
            } else if (a.equals("-XX:+AlwaysPreTouch")) {
                pretouch = true;
            } else if (a.equals("-XX:-AlwaysPreTouch")) {
                pretouch = false;
            }
        }
        if (!pretouch || xms == null || !xms.equals(xmx)) {
            System.err.println("WARNING: this benchmark JVM runs without -Xms equal to -Xmx and -XX:+AlwaysPreTouch "
                    + "(its arguments: " + args + "); first touches of a growing heap will be measured. Pass JVM "
                    + "options with -jvmArgsAppend and leave the heap to the benchmark's @Fork(jvmArgs).");
        }
    }
}
