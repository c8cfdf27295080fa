package dev.plinth.rocksdb;

import dev.plinth.CorruptionException;
import dev.plinth.PlinthException;
import dev.plinth.StorageFullException;
import dev.plinth.StorageIOException;
import java.util.Locale;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/**
 * Translates RocksDB's errors into Plinth's, once, at the engine's edge, with the store's path and the
 * operation in the message. Stateless.
 */
final class RocksDbErrors {
    private RocksDbErrors() {
    }

    /**
     * The Plinth exception for a RocksDB error.
     *
     * <ul>
     *   <li>{@code Corruption}: {@link CorruptionException};</li>
     *   <li>{@code IOError} with the {@code NoSpace} subcode, or a message saying the device is full:
     *       {@link StorageFullException};</li>
     *   <li>anything else: {@link StorageIOException}.</li>
     * </ul>
     *
     * @param path the store's directory
     * @param operation what was being done
     * @param e the error
     * @return the exception to throw
     */
    static PlinthException translate(String path, String operation, RocksDBException e) {
        Status s = e.getStatus();
        String detail = describe(e);
        String message = "rocksdb " + operation + " on " + path + " failed: " + detail;
        if (s != null && s.getCode() == Status.Code.Corruption) {
            return new CorruptionException(message, e);
        }
        if (isNoSpace(s, detail)) {
            return new StorageFullException(message, e);
        }
        String who = lockHolder(detail);
        if (who != null) {
            return new StorageIOException("The RocksDB store at " + path + " is " + who + ", which holds its LOCK "
                    + "file; close it there first, or open this one with ?readOnly=true to read it meanwhile ("
                    + detail + ")", e);
        }
        return new StorageIOException(message, e);
    }

    /**
     * Whether an error means the write path can no longer be trusted: an I/O error other than a full device
     * (a failed write or fsync of the WAL), or corruption. RocksDB itself stops accepting writes after such
     * a background error; the engine also remembers it, to say why on every later write.
     */
    static boolean isFatalForWrites(RocksDBException e) {
        Status s = e.getStatus();
        if (s == null) {
            return false;
        }
        return s.getCode() == Status.Code.Corruption
                || (s.getCode() == Status.Code.IOError && !isNoSpace(s, describe(e)));
    }

    private static boolean isNoSpace(Status s, String detail) {
        if (s != null && s.getSubCode() == Status.SubCode.NoSpace) {
            return true;
        }
        String d = detail.toLowerCase(Locale.ROOT);
        return d.contains("no space left") || d.contains("nospace") || d.contains("no space");
    }

    /**
     * Who holds the store's {@code LOCK} file when RocksDB could not take it, or {@code null} when the error
     * is not a lock conflict. Only RocksDB's two lock-conflict texts count: "lock hold by current process"
     * (this process) and "While lock file" (the lock call failed: another process holds it). A {@code LOCK}
     * file that cannot be opened at all (a read-only file system, missing permission) is not a conflict.
     */
    static String lockHolder(String detail) {
        if (!detail.contains("LOCK")) {
            return null;
        }
        if (detail.contains("lock hold by current process")) {
            return "already open in this process";
        }
        if (detail.contains("While lock file")) {
            return "in use by another process";
        }
        return null;
    }

    private static String describe(RocksDBException e) {
        Status s = e.getStatus();
        String m = e.getMessage();
        if (s == null) {
            return m == null ? "unknown error" : m;
        }
        String code = s.getCodeString();
        if (m == null || m.isEmpty()) {
            return code;
        }
        return m.startsWith(code) ? m : code + ": " + m;
    }
}
