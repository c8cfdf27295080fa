package dev.plinth.etcd;

import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.ScanSpec;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.util.Arrays;
import java.util.List;

/**
 * A paged walk over one keyspace range at one revision: each page is one range request of at most
 * {@link EtcdOptions#pageSize()} entries, so a long scan never pulls everything at once, and every page reads
 * the same revision, so the cursor sees one consistent view. If that revision is compacted away while the
 * cursor walks, the next page fails with {@link CompactedRevisionException}. Not thread-safe.
 */
final class EtcdCursor implements EngineCursor {
    private final KV kv;
    private final Remote remote;
    private final EtcdKeyspace ks;
    private final ScanSpec scan;
    /** The revision every page reads; 0 until the first page of a cursor on the latest state fixes it. */
    private long revision;
    private final int pageSize;
    /** Told the revision when the cursor closes, or {@code null}. */
    private final java.util.function.LongConsumer onClose;

    /** The etcd key the next page starts at (forward, inclusive) or ends before (reverse, exclusive). */
    private ByteSequence from;
    private List<KeyValue> page = List.of();
    private int index = -1;
    private boolean more = true;
    private byte[] key;
    private byte[] value;
    private boolean closed;
    private boolean firstPage = true;

    EtcdCursor(KV kv, Remote remote, EtcdKeyspace ks, ScanSpec scan, long revision, int pageSize,
            java.util.function.LongSupplier engineRevision, java.util.function.LongConsumer onClose) {
        this.onClose = onClose;
        this.kv = kv;
        this.remote = remote;
        this.ks = ks;
        this.scan = scan;
        this.revision = revision;
        this.pageSize = pageSize;
        this.from = scan.reverse() ? ks.upper(scan.end()) : ks.lower(scan.start());
        if (this.revision == 0) {
            fetch(); // fixes the revision: the cursor sees the state when it was opened
            if (this.revision == 0) { // an empty range fetched nothing
                this.revision = engineRevision.getAsLong();
            }
        }
    }

    @Override
    public boolean next() {
        if (closed) {
            throw new IllegalStateException("cursor over " + ks + " of " + remote.store() + " is closed");
        }
        key = null;
        value = null;
        while (index + 1 >= page.size()) {
            if (!more) {
                return false;
            }
            fetch();
        }
        index++;
        KeyValue e = page.get(index);
        key = ks.userKey(e.getKey());
        value = scan.valueBytes() == 0 ? new byte[0] : e.getValue().getBytes();
        return true;
    }

    private void fetch() {
        ByteSequence lo = scan.reverse() ? ks.lower(scan.start()) : from;
        ByteSequence hi = scan.reverse() ? from : ks.upper(scan.end());
        if (compare(lo, hi) >= 0) {
            page = List.of();
            index = -1;
            more = false;
            return;
        }
        // The first page holds what the caller's limit asks for, when it asks for fewer than a page (a scan
        // of a hundred entries fetches a hundred); later pages, needed after expired entries or a seek, are full.
        int want = firstPage ? Math.max(1, Math.min(pageSize, scan.limitHint())) : pageSize;
        firstPage = false;
        GetOption.Builder opt = GetOption.builder().withRange(hi).withRevision(revision).withLimit(want)
                .withKeysOnly(scan.valueBytes() == 0);
        if (scan.reverse()) {
            // Descending order costs etcd the whole rest of the range per page (it sorts before it limits);
            // ascending key order is its natural order, so a forward page is asked for without a sort, which
            // lets etcd stop at the limit (asked for with a sort, etcd 3.4 read the whole range for each page).
            opt.withSortField(GetOption.SortTarget.KEY).withSortOrder(GetOption.SortOrder.DESCEND);
        }
        GetResponse r = remote.read(kv.get(lo, opt.build()), "a scan of " + ks);
        if (revision == 0) {
            revision = r.getHeader().getRevision();
        }
        page = r.getKvs();
        index = -1;
        more = r.isMore() && !page.isEmpty();
        if (!page.isEmpty()) {
            ByteSequence last = page.get(page.size() - 1).getKey();
            // forward: the next page starts just after the last key; reverse: it ends (exclusive) at it
            from = scan.reverse() ? last : ByteSequence.from(Arrays.copyOf(last.getBytes(), last.size() + 1));
        }
    }

    private static int compare(ByteSequence a, ByteSequence b) {
        return Arrays.compareUnsigned(a.getBytes(), b.getBytes());
    }

    @Override
    public byte[] key() {
        if (key == null) {
            throw new IllegalStateException("cursor over " + ks + " of " + remote.store() + " is not on an entry");
        }
        return key;
    }

    @Override
    public byte[] value() {
        if (key == null) {
            throw new IllegalStateException("cursor over " + ks + " of " + remote.store() + " is not on an entry");
        }
        return value;
    }

    @Override
    public void seek(byte[] target) {
        if (closed) {
            throw new IllegalStateException("cursor over " + ks + " of " + remote.store() + " is closed");
        }
        ByteSequence t = ks.key(target);
        if (scan.reverse()) {
            // next entry <= target: the page ends just after the target
            ByteSequence after = ByteSequence.from(Arrays.copyOf(t.getBytes(), t.size() + 1));
            ByteSequence hi = ks.upper(scan.end());
            from = compare(after, hi) < 0 ? after : hi;
        } else {
            ByteSequence lo = ks.lower(scan.start());
            from = compare(t, lo) > 0 ? t : lo;
        }
        page = List.of();
        index = -1;
        more = true;
        key = null;
        value = null;
    }

    long revision() {
        return revision;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            page = List.of();
            if (onClose != null) {
                onClose.accept(revision);
            }
        }
    }
}
