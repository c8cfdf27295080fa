package dev.plinth.testkit.crash;

import dev.plinth.Durability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The expected-state file of one crash cycle: one line per write the child saw acknowledged, appended
 * after the write's call returned.
 *
 * <p>A line is {@code A <seq> <kind> <parts> <durability> <content-crc> <line-crc>\n}, where
 * {@code content-crc} is {@link WriteSpec#contentCrc()} and {@code line-crc} is a CRC32C of everything
 * before it, in hex. A line is written with one {@code write} call and is not synced: a killed process
 * leaves the operating system's page cache, so every complete line survives. Only the last line can be
 * torn (the kill landed inside that call); {@link #read(Path)} ignores it and reports it, so its write
 * counts as not acknowledged. A damaged line before the last is a harness failure, reported as such.
 */
final class ExpectedStateFile {
    private static final String TAG = "A";

    private ExpectedStateFile() {
    }

    /**
     * One acknowledged write as recorded.
     *
     * @param seq its sequence number
     * @param kind single put or batch
     * @param parts how many puts it made
     * @param durability the durability it was acknowledged with
     * @param contentCrc {@link WriteSpec#contentCrc()} of what was written
     */
    record Ack(long seq, WriteSpec.Kind kind, int parts, Durability durability, int contentCrc) {
        static Ack of(WriteSpec w) {
            return new Ack(w.seq(), w.kind(), w.parts().size(), w.durability(), w.contentCrc());
        }
    }

    /**
     * What a file held.
     *
     * @param acks the complete records, in file order
     * @param tornTail a description of an incomplete or damaged last line, or {@code null}
     * @param damaged descriptions of damaged lines that are not the last one
     */
    record Contents(List<Ack> acks, String tornTail, List<String> damaged) {
    }

    /**
     * Encodes one record, newline included.
     *
     * @param ack the record
     * @return its bytes
     */
    static byte[] encode(Ack ack) {
        String body = TAG + " " + ack.seq() + " " + ack.kind().code() + " " + ack.parts() + " " + ack.durability()
                + " " + hex(ack.contentCrc());
        return (body + " " + hex(crc(body)) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads a file. A file that does not exist (the child died before creating it) reads as empty.
     *
     * @param file the file
     * @return its contents
     * @throws UncheckedIOException if it cannot be read
     */
    static Contents read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new Contents(List.of(), null, List.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read expected-state file " + file, e);
        }
        return parse(bytes);
    }

    /**
     * Parses the bytes of a file; see {@link #read(Path)}.
     *
     * @param bytes the file's bytes
     * @return its contents
     */
    static Contents parse(byte[] bytes) {
        List<Ack> acks = new ArrayList<>();
        List<String> damaged = new ArrayList<>();
        String torn = null;
        int start = 0;
        int lineNo = 1;
        while (start < bytes.length) {
            int nl = start;
            while (nl < bytes.length && bytes[nl] != '\n') {
                nl++;
            }
            boolean last = nl >= bytes.length - 1;
            String line = new String(bytes, start, nl - start, StandardCharsets.ISO_8859_1);
            Ack ack = nl < bytes.length ? decode(line) : null;
            if (ack != null) {
                acks.add(ack);
            } else if (last) {
                torn = "line " + lineNo + (nl >= bytes.length ? " has no end of line" : " is damaged") + ": "
                        + abbreviate(line);
            } else {
                damaged.add("line " + lineNo + " is damaged: " + abbreviate(line));
            }
            start = nl + 1;
            lineNo++;
        }
        return new Contents(List.copyOf(acks), torn, List.copyOf(damaged));
    }

    private static Ack decode(String line) {
        int cut = line.lastIndexOf(' ');
        if (cut < 0) {
            return null;
        }
        String body = line.substring(0, cut);
        try {
            if (Integer.parseUnsignedInt(line.substring(cut + 1), 16) != crc(body)) {
                return null;
            }
            String[] f = body.split(" ");
            if (f.length != 6 || !f[0].equals(TAG)) {
                return null;
            }
            return new Ack(Long.parseLong(f[1]), WriteSpec.Kind.ofCode(f[2]), Integer.parseInt(f[3]),
                    Durability.valueOf(f[4]), Integer.parseUnsignedInt(f[5], 16));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int crc(String s) {
        CRC32C c = new CRC32C();
        c.update(s.getBytes(StandardCharsets.ISO_8859_1));
        return (int) c.getValue();
    }

    private static String hex(int v) {
        return String.format("%08x", v);
    }

    private static String abbreviate(String s) {
        String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 80 ? printable.substring(0, 80) + "..." : printable;
    }

    /**
     * Appends records to a new expected-state file. Not thread-safe; one writer per file.
     */
    static final class Writer implements AutoCloseable {
        private final FileChannel channel;

        /**
         * Creates the file, which must not exist.
         *
         * @param file the file
         * @throws UncheckedIOException if it cannot be created
         */
        Writer(Path file) {
            try {
                this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create expected-state file " + file, e);
            }
        }

        /**
         * Appends one record with a single write call, without syncing.
         *
         * @param ack the record
         * @throws UncheckedIOException if the write fails
         */
        void append(Ack ack) {
            ByteBuffer buf = ByteBuffer.wrap(encode(ack));
            try {
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to the expected-state file", e);
            }
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close the expected-state file", e);
            }
        }
    }
}
