package dev.plinth.lsm.internal.engine;

import dev.plinth.Durability;
import dev.plinth.Store;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.ScanSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A seeded workload of batches (puts, deletes, range deletes, at every durability), keyspace creation and
 * drop, flushes and compactions, run against an {@link LsmEngine} with a model of the state after every
 * step. Every batch also writes the key {@code marker} with its step number, so each step's state differs
 * from every other. For the power-loss and fault tests.
 */
final class Workload {
    /** The state after each step: keyspace name to its entries (UTF-8 strings). */
    final List<Map<String, TreeMap<String, String>>> states = new ArrayList<>();
    /** The last step acknowledged at all, and the last one acknowledged durably (SYNC, flush, compact, keyspaces). */
    int acked;
    int durable;
    /**
     * The last step acknowledged once it reached the OS: all but batches at {@code NONE}, which stay in the log's
     * buffer until a later write; what a killed process keeps at least.
     */
    int inOs;
    /** The first failure, or {@code null} if the workload ran to the end. */
    RuntimeException failure;

    private final long seed;
    private final int steps;
    /** Told each step's number and kind before it runs; for tracing a failure. */
    java.util.function.BiConsumer<Integer, String> onStep = (step, what) -> { };

    Workload(long seed, int steps) {
        this.seed = seed;
        this.steps = steps;
    }

    static Map<String, TreeMap<String, String>> copy(Map<String, TreeMap<String, String>> m) {
        Map<String, TreeMap<String, String>> c = new TreeMap<>();
        m.forEach((k, v) -> c.put(k, new TreeMap<>(v)));
        return c;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Runs until the end or the first exception, which is kept in {@link #failure}. */
    Workload run(LsmEngine engine) {
        Random rnd = new Random(seed);
        Map<String, TreeMap<String, String>> model = new TreeMap<>();
        model.put(Store.DEFAULT_KEYSPACE, new TreeMap<>());
        states.add(copy(model));
        try {
            for (int step = 1; step <= steps; step++) {
                int r = rnd.nextInt(100);
                boolean durableStep;
                if (r < 3) {
                    if (model.containsKey("a")) {
                        onStep.accept(step, "drop a");
                        model.remove("a");
                        states.add(copy(model));
                        engine.dropKeyspace("a");
                    } else {
                        onStep.accept(step, "create a");
                        model.put("a", new TreeMap<>());
                        states.add(copy(model));
                        engine.createKeyspace("a");
                    }
                    durableStep = true;
                } else if (r < 6) {
                    onStep.accept(step, "flush");
                    states.add(copy(model));
                    engine.flush();
                    durableStep = true;
                } else if (r < 8) {
                    onStep.accept(step, "compact");
                    states.add(copy(model));
                    engine.compact();
                    durableStep = true;
                } else {
                    Durability d = switch (rnd.nextInt(10)) {
                        case 0, 1 -> Durability.NONE;
                        case 2, 3, 4 -> Durability.PROCESS;
                        default -> Durability.SYNC;
                    };
                    EngineBatch.Builder batch = EngineBatch.builder(d);
                    int ops = 1 + rnd.nextInt(4);
                    for (int j = 0; j < ops; j++) {
                        String ksName = model.containsKey("a") && rnd.nextBoolean() ? "a" : Store.DEFAULT_KEYSPACE;
                        EngineKeyspace ks = engine.keyspace(ksName);
                        TreeMap<String, String> m = model.get(ksName);
                        String key = String.format("k%02d", rnd.nextInt(40));
                        int kind = rnd.nextInt(20);
                        if (kind == 0) {
                            String end = String.format("k%02d", rnd.nextInt(40));
                            if (end.compareTo(key) < 0) {
                                String t = end;
                                end = key;
                                key = t;
                            }
                            batch.deleteRange(ks, b(key), b(end));
                            m.subMap(key, end).clear();
                        } else if (kind < 3) {
                            batch.delete(ks, b(key));
                            m.remove(key);
                        } else {
                            String value = "v" + step + "-" + j + "x".repeat(rnd.nextInt(600));
                            batch.put(ks, b(key), b(value));
                            m.put(key, value);
                        }
                    }
                    batch.put(engine.keyspace(Store.DEFAULT_KEYSPACE), b("marker"), b(Integer.toString(step)));
                    model.get(Store.DEFAULT_KEYSPACE).put("marker", Integer.toString(step));
                    states.add(copy(model));
                    onStep.accept(step, "batch " + d);
                    engine.apply(batch.build());
                    durableStep = d == Durability.SYNC;
                    if (d != Durability.NONE) {
                        inOs = step;
                    }
                }
                acked = step;
                if (durableStep) {
                    durable = step;
                    inOs = step;
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        return this;
    }

    /** What an engine holds: every keyspace's entries. */
    static Map<String, TreeMap<String, String>> read(LsmEngine engine) {
        Map<String, TreeMap<String, String>> out = new TreeMap<>();
        for (String name : engine.keyspaceNames()) {
            TreeMap<String, String> m = new TreeMap<>();
            try (EngineCursor c = engine.cursor(engine.keyspace(name), ScanSpec.all())) {
                while (c.next()) {
                    m.put(new String(c.key(), StandardCharsets.UTF_8), new String(c.value(), StandardCharsets.UTF_8));
                }
            }
            out.put(name, m);
        }
        return out;
    }

    /**
     * Which step's state a recovered store equals, among those it may legally hold: from the last durably
     * acknowledged step to the step that was running when it failed.
     *
     * @return the step, or -1 if it equals none of them (a hole, a torn batch, or a lost durable write)
     */
    int matchingStep(Map<String, TreeMap<String, String>> recovered) {
        int last = failure == null ? acked : Math.min(acked + 1, states.size() - 1);
        for (int j = last; j >= durable; j--) {
            if (states.get(j).equals(recovered)) {
                return j;
            }
        }
        return -1;
    }

    /** For a failure message: the recovered marker and how the state differs from that step's model. */
    String describe(Map<String, TreeMap<String, String>> recovered) {
        TreeMap<String, String> def = recovered.get(Store.DEFAULT_KEYSPACE);
        String marker = def == null ? null : def.get("marker");
        StringBuilder b = new StringBuilder("marker " + marker + ", keyspaces " + recovered.keySet());
        if (marker != null) {
            int m = Integer.parseInt(marker);
            for (int j = 0; j < states.size(); j++) {
                Map<String, TreeMap<String, String>> st = states.get(j);
                TreeMap<String, String> sd = st.get(Store.DEFAULT_KEYSPACE);
                if (sd != null && marker.equals(sd.get("marker")) && j >= m) {
                    b.append("; vs step ").append(j).append(" keyspaces ").append(st.keySet());
                    for (String ks : st.keySet()) {
                        TreeMap<String, String> want = st.get(ks);
                        TreeMap<String, String> got = recovered.getOrDefault(ks, new TreeMap<>());
                        for (String k : new java.util.TreeSet<>(java.util.Set.copyOf(
                                java.util.stream.Stream.concat(want.keySet().stream(), got.keySet().stream()).toList()))) {
                            String w1 = want.get(k);
                            String g1 = got.get(k);
                            if (!java.util.Objects.equals(w1, g1)) {
                                b.append("; ").append(ks).append('/').append(k).append(" model ")
                                        .append(w1 == null ? null : w1.substring(0, Math.min(12, w1.length())))
                                        .append(" store ").append(g1 == null ? null : g1.substring(0, Math.min(12, g1.length())));
                            }
                        }
                    }
                    break;
                }
            }
        }
        return b.toString();
    }
}
