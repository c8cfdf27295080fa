package dev.plinth.cli.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where and how a run happened, for the report's header: date, machine, Java, and the JVM settings that
 * matter most to benchmark numbers (a fixed, pre-touched heap). Immutable.
 *
 * @param date when the run started, ISO-8601 with offset
 * @param os operating system and architecture
 * @param cores processors the JVM sees
 * @param java Java version and vendor, and the VM's name
 * @param heap the heap flags given and the resulting maximum heap
 * @param alwaysPreTouch whether {@code -XX:+AlwaysPreTouch} is on
 * @param gc the garbage collectors
 * @param jvmArgs every JVM argument, space-separated
 */
record Environment(String date, String os, int cores, String java, String heap, boolean alwaysPreTouch, String gc,
                   String jvmArgs) {
    /** The JVM options the documentation recommends for benchmark runs. */
    static final String RECOMMENDED_OPTS = "-Xms2g -Xmx2g -XX:+AlwaysPreTouch";

    /**
     * Reads this JVM's environment.
     *
     * @return the environment now
     */
    static Environment current() {
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        List<String> heapArgs = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("-Xms") || a.startsWith("-Xmx") || a.startsWith("-XX:InitialHeapSize")
                    || a.startsWith("-XX:MaxHeapSize") || a.startsWith("-XX:MaxRAMPercentage")) {
                heapArgs.add(a);
            }
        }
        long max = Runtime.getRuntime().maxMemory();
        String heap = (heapArgs.isEmpty() ? "JVM default" : String.join(" ", heapArgs))
                + String.format(Locale.ROOT, " (max heap %,d MiB, initial %,d MiB)", max >> 20,
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getInit() >> 20);
        List<String> gcs = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcs.add(gc.getName());
        }
        return new Environment(
                ZonedDateTime.now().withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                        + System.getProperty("java.vm.name") + ")",
                heap,
                alwaysPreTouch(args),
                String.join(", ", gcs),
                String.join(" ", args));
    }

    private static boolean alwaysPreTouch(List<String> args) {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (bean != null) {
                return Boolean.parseBoolean(bean.getVMOption("AlwaysPreTouch").getValue());
            }
        } catch (RuntimeException | LinkageError e) {
            // Not a HotSpot VM: fall back to the command line.
        }
        return args.contains("-XX:+AlwaysPreTouch");
    }

    /**
     * Whether the heap is fixed and pre-touched, as the documentation recommends.
     *
     * @return {@code true} if {@code -Xms} equals {@code -Xmx} and AlwaysPreTouch is on
     */
    boolean tuned() {
        String xms = null;
        String xmx = null;
        for (String a : jvmArgs.split(" ")) {
            if (a.startsWith("-Xms")) {
                xms = a.substring(4);
            } else if (a.startsWith("-Xmx")) {
                xmx = a.substring(4);
            }
        }
        return alwaysPreTouch && xms != null && xms.equalsIgnoreCase(xmx);
    }
}
