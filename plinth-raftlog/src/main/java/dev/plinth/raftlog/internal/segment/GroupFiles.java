package dev.plinth.raftlog.internal.segment;

import dev.plinth.CorruptionException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The names of one group's files (docs/format/raftlog.md, "Segmented log"). Stateless and thread safe.
 *
 * <p>A group lives in directory {@code g-<group as 16 hex digits>}. Its segments are
 * {@code log_inprogress_<seq>} (the one being appended to) and {@code log_<seq>_<first>-<last>} (closed; the
 * lowest and highest index written in it, both inclusive), seq as 16 hex digits so that names sort in seq order.
 * Beside them: {@code boundary}, {@code hardstate} and {@code meta}, each an {@link AtomicFile}.
 */
final class GroupFiles {
    static final String INPROGRESS = "log_inprogress_";
    static final String CLOSED = "log_";
    static final String BOUNDARY = "boundary";
    static final String HARD_STATE = "hardstate";
    static final String META = "meta";

    private GroupFiles() {
    }

    static String dir(long group) {
        return String.format("g-%016x", group);
    }

    static String inProgress(long seq) {
        return INPROGRESS + String.format("%016x", seq);
    }

    static String closed(long seq, long first, long last) {
        return CLOSED + String.format("%016x", seq) + "_" + first + "-" + last;
    }

    /** A segment found in a group's directory. */
    record Segment(String name, long seq, boolean open) {
    }

    /** The segments among a directory's names, in seq order; other names are ignored. */
    static List<Segment> segments(String dir, List<String> names) {
        List<Segment> out = new ArrayList<>();
        for (String n : names) {
            String base = n.substring(n.lastIndexOf('/') + 1);
            try {
                if (base.startsWith(INPROGRESS)) {
                    out.add(new Segment(base, Long.parseUnsignedLong(base.substring(INPROGRESS.length()), 16), true));
                } else if (base.startsWith(CLOSED)) {
                    String rest = base.substring(CLOSED.length());
                    out.add(new Segment(base, Long.parseUnsignedLong(rest.substring(0, rest.indexOf('_')), 16), false));
                }
            } catch (RuntimeException e) {
                throw new CorruptionException("The Raft log directory " + dir + " holds the malformed segment name "
                        + base + ".", e);
            }
        }
        out.sort(Comparator.comparingLong(Segment::seq));
        return out;
    }
}
