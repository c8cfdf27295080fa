package dev.plinth.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** File handling of dumps: durable atomic replacement, and spooling standard input. Stateless. */
final class DumpFiles {
    private DumpFiles() {
    }

    /** Writes a file's contents. */
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes a file durably and atomically: into a temporary file beside it, fsync, rename over the
     * target, fsync the directory. A failure leaves no partial file behind.
     *
     * @param target the file
     * @param body writes the contents
     * @throws IOException if anything fails
     */
    static void writeAtomically(Path target, Body body) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        // Created as any tool creates a file, so the umask decides its mode (Files.createTempFile would make it
        // 0600, and the dump unreadable to the user's group); CREATE_NEW and a random name keep it private to us.
        Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toUnsignedString(
                java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        FileChannel created = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        boolean done = false;
        try {
            try (FileChannel ch = created) {
                OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 1 << 16);
                body.writeTo(out);
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            syncDirectory(dir);
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms cannot open or sync a directory; the file itself is synced.
        }
    }

    /**
     * Copies a stream into a new temporary file, so that it can be read more than once.
     *
     * @param in the stream; not closed
     * @return the file, which the caller deletes
     * @throws IOException if reading or writing fails
     */
    static Path spool(InputStream in) throws IOException {
        Path tmp = Files.createTempFile("plinth-load-", ".dump");
        try {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }
}
