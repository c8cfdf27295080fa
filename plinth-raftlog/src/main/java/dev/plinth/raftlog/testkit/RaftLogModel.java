package dev.plinth.raftlog.testkit;

import dev.plinth.Durability;
import dev.plinth.StoreClosedException;
import dev.plinth.raftlog.HardState;
import dev.plinth.raftlog.LogContinuityException;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.LogIndexOutOfRangeException;
import dev.plinth.raftlog.LogReader;
import dev.plinth.raftlog.RaftStorage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reference {@link RaftStorage}: plain maps, no storage, written independently of the real implementations
 * so that the contract and the random model runs compare against something obviously right. {@link #reopen()}
 * gives a new view over the same state, as a restart would after every change was made durable.
 *
 * <p>Thread safe by one lock on the shared state.
 */
public final class RaftLogModel implements RaftStorage {

    /** The state that survives {@link #reopen()}. */
    static final class State {
        final Map<Long, TreeMap<Long, LogEntry>> logs = new HashMap<>();
        final Map<Long, long[]> boundaries = new HashMap<>();
        final Map<Long, HardState> hard = new HashMap<>();
        final Map<Long, Map<String, byte[]>> kv = new HashMap<>();
    }

    private final State s;
    private boolean closed;

    /** An empty model. */
    public RaftLogModel() {
        this(new State());
    }

    private RaftLogModel(State s) {
        this.s = s;
    }

    /**
     * A new view over the same state; this one is closed.
     *
     * @return the new view
     */
    public RaftLogModel reopen() {
        close();
        return new RaftLogModel(s);
    }

    private TreeMap<Long, LogEntry> log(long g) {
        if (closed) {
            throw new StoreClosedException("The model was closed.");
        }
        return s.logs.computeIfAbsent(g, k -> new TreeMap<>());
    }

    private long[] bound(long g) {
        return s.boundaries.getOrDefault(g, new long[] {0, 0});
    }

    private long last(long g) {
        TreeMap<Long, LogEntry> l = log(g);
        return l.isEmpty() ? bound(g)[0] : l.lastKey();
    }

    private long term(long g, long index) {
        if (index == bound(g)[0]) {
            return bound(g)[1];
        }
        if (index < bound(g)[0] || index > last(g)) {
            throw new LogIndexOutOfRangeException("model: no term at " + index);
        }
        return log(g).get(index).term();
    }

    private void checkContinues(long g, long next, List<LogEntry> list) {
        long term = term(g, next - 1);
        for (LogEntry e : list) {
            if (e.index() != next++) {
                throw new LogContinuityException("model: expected index " + (next - 1) + ", got " + e.index());
            }
            if (e.term() < term) {
                throw new LogContinuityException("model: falling term at " + e.index());
            }
            term = e.term();
        }
    }

    @Override
    public synchronized void append(long g, List<LogEntry> list, Durability d) {
        checkContinues(g, last(g) + 1, list);
        list.forEach(e -> log(g).put(e.index(), e));
    }

    @Override
    public synchronized void appendWithHardState(long g, List<LogEntry> list, HardState state, Durability d) {
        java.util.Objects.requireNonNull(state, "state");
        checkContinues(g, last(g) + 1, list);
        list.forEach(e -> log(g).put(e.index(), e));
        s.hard.put(g, state);
    }

    @Override
    public synchronized LogEntry entry(long g, long index) {
        LogEntry e = log(g).get(index);
        if (e == null) {
            throw new LogIndexOutOfRangeException("model: no entry at " + index
                    + (index <= bound(g)[0] ? ", purged" : ", beyond the last"));
        }
        return e;
    }

    @Override
    public synchronized LogReader entries(long g, long from, long to, long maxBytes) {
        if (from > to || maxBytes < 0) {
            throw new IllegalArgumentException("model: inverted range or negative budget");
        }
        if (from < firstIndex(g) || to > last(g) + 1) {
            throw new LogIndexOutOfRangeException("model: range outside the log");
        }
        List<LogEntry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = from; i < to; i++) {
            LogEntry e = log(g).get(i);
            if (!out.isEmpty() && bytes + e.size() > maxBytes) {
                break;
            }
            bytes += e.size();
            out.add(e);
        }
        return new LogReader() {
            int i = -1;

            @Override
            public boolean next() {
                return ++i < out.size();
            }

            @Override
            public LogEntry entry() {
                if (i < 0 || i >= out.size()) {
                    throw new IllegalStateException("model: no current entry");
                }
                return out.get(i);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public synchronized long termAt(long g, long index) {
        log(g);
        return term(g, index);
    }

    @Override
    public synchronized long firstIndex(long g) {
        log(g);
        return bound(g)[0] + 1;
    }

    @Override
    public synchronized long lastIndex(long g) {
        return last(g);
    }

    @Override
    public synchronized long purge(long g, long upTo, Durability d) {
        long target = Math.min(upTo, last(g));
        if (target <= bound(g)[0]) {
            return bound(g)[0];
        }
        long t = term(g, target);
        log(g).headMap(target, true).clear();
        s.boundaries.put(g, new long[] {target, t});
        return target;
    }

    @Override
    public synchronized void truncate(long g, long from, Durability d) {
        replaceFrom(g, from, List.of(), d);
    }

    @Override
    public synchronized void replaceFrom(long g, long from, List<LogEntry> list, Durability d) {
        if (from < firstIndex(g) || from > last(g) + 1) {
            throw new LogIndexOutOfRangeException("model: cannot replace from " + from);
        }
        checkContinues(g, from, list);
        log(g).tailMap(from, true).clear();
        list.forEach(e -> log(g).put(e.index(), e));
    }

    @Override
    public synchronized void reset(long g, long index, long term, Durability d) {
        if (index < 0 || term < 0) {
            throw new IllegalArgumentException("model: negative reset");
        }
        log(g).clear();
        s.boundaries.put(g, new long[] {index, term});
    }

    @Override
    public void flush() {
        log(0);
    }

    @Override
    public synchronized void saveHardState(long g, HardState state, Durability d) {
        log(g);
        s.hard.put(g, state);
    }

    @Override
    public synchronized HardState loadHardState(long g) {
        log(g);
        return s.hard.getOrDefault(g, HardState.INITIAL);
    }

    private static void checkKey(String key) {
        int n = key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (n == 0 || n > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("model: bad key");
        }
    }

    @Override
    public synchronized void put(long g, String key, byte[] value, Durability d) {
        checkKey(key);
        log(g);
        s.kv.computeIfAbsent(g, k -> new HashMap<>()).put(key, value.clone());
    }

    @Override
    public synchronized byte[] get(long g, String key) {
        checkKey(key);
        log(g);
        byte[] v = s.kv.getOrDefault(g, Map.of()).get(key);
        return v == null ? null : v.clone();
    }

    @Override
    public synchronized boolean delete(long g, String key, Durability d) {
        checkKey(key);
        log(g);
        return s.kv.getOrDefault(g, new HashMap<>()).remove(key) != null;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    @Override
    public synchronized boolean isClosed() {
        return closed;
    }
}
