package dev.plinth.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Runs a golden script: a text file of {@code plinth} command lines, each followed by the output it must
 * give, in the manner of Pebble's datadriven tests. Every command runs in-process through
 * {@link Main#run(Io, String...)} with captured streams.
 *
 * <pre>
 * # a comment, kept as is
 * $ put rocksdb:$TMP/db a 1          a command line: words split on spaces, '...' quotes one word
 * $ get rocksdb:$TMP/db missing
 * ! plinth: key 'missing' not found  a line the command printed on standard error
 * [exit 3]                           the exit code, shown when it is not 0
 * % flip $TMP/d.dump 40              a harness step: flip the bits of one byte, truncate a file to N bytes,
 * % truncate $TMP/d.dump 30          or print a file in hex (16 bytes a line, with offsets)
 * % hexdump $TMP/d.dump
 * % write $TMP/notes.txt some text  or write a line of text into a file, or make a directory
 * % mkdir $TMP/dir
 * % exists $TMP/dir/data.mdb        or print whether a path exists ("exists" or "absent")
 * % damage s users                   cursors over keyspace users of testmem:s fail as corrupt storage
 * </pre>
 *
 * Lines after a command and before the next command, step or comment are its output; they are not read
 * but made afresh and compared, so a blank line is kept only before a comment, as a separator. Output
 * that does not end with a newline gets a line {@code [no newline at end]}. {@code $TMP} stands for the
 * test's temporary directory and {@code $JAVA} for the Java version, in commands and in output.
 * {@code bench} and {@code raftlog bench} (other than with {@code --help}) measure, so their output is compared masked
 * ({@link #maskMeasured}): what it prints and in what order is golden, its numbers are not.
 * Standard input is empty. Not thread-safe.
 */
final class GoldenScript {
    private final Path tmp;

    GoldenScript(Path tmp) {
        this.tmp = tmp;
    }

    /**
     * Runs a script and returns what it should look like: the same commands, comments and steps, with
     * the output they actually gave.
     *
     * @param script the script's text
     * @return the script as it ran
     * @throws IOException if a step's file operation fails
     */
    String run(String script) throws IOException {
        StringBuilder actual = new StringBuilder();
        String[] lines = script.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.equals("$") || line.startsWith("$ ")) {
                actual.append(line).append('\n');
                actual.append(runCommand(line.substring(1)));
            } else if (line.startsWith("% ")) {
                actual.append(line).append('\n');
                actual.append(step(line.substring(2)));
            } else if (line.startsWith("#") || (line.isEmpty() && i + 1 < lines.length && lines[i + 1].startsWith("#"))) {
                // A blank line before a comment separates blocks; other lines are output, made afresh.
                actual.append(line).append('\n');
            }
        }
        return actual.toString().stripTrailing() + "\n";
    }

    private String runCommand(String commandLine) {
        List<String> args = words(expand(commandLine));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(new Io(new ByteArrayInputStream(new byte[0]), o, e), args.toArray(String[]::new));
        }
        StringBuilder sb = new StringBuilder();
        String o = unexpand(out.toString(StandardCharsets.UTF_8));
        boolean measures = !args.isEmpty() && (args.get(0).equals("bench")
                || (args.get(0).equals("raftlog") && args.size() > 1 && args.get(1).equals("bench")));
        if (measures && !args.contains("--help") && !args.contains("-h")) {
            o = maskMeasured(o);
        }
        if (!o.isEmpty()) {
            sb.append(o);
            if (!o.endsWith("\n")) {
                sb.append("\n[no newline at end]\n");
            }
        }
        String e = unexpand(err.toString(StandardCharsets.UTF_8));
        for (String line : e.lines().toList()) {
            sb.append("! ").append(line).append('\n');
        }
        if (code != 0) {
            sb.append("[exit ").append(code).append("]\n");
        }
        return sb.toString();
    }

    /**
     * Masks what a measurement decides in {@code plinth bench} output: the values of the machine and
     * date lines become {@code *}, a time with its unit {@code T}, every other number (with its thousands
     * commas and decimals) {@code N} except a bare {@code 0} (errors and misses must stay 0), a run of
     * spaces one space (column widths follow the numbers), and a rule of dashes {@code ---}. Labels,
     * column names, workloads, notes and the order of lines stay as printed.
     *
     * @param output what bench printed
     * @return the output with its measurements masked
     */
    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("(?<![\\d.,])\\d[\\d,]*(\\.\\d+)?");

    static String maskMeasured(String output) {
        StringBuilder sb = new StringBuilder();
        for (String line : output.split("\n", -1)) {
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("^(date|machine|java|heap|AlwaysPreTouch|gc|advice):\\s.*").matcher(line);
            if (m.matches()) {
                line = m.group(1) + ": *";
            } else if (line.matches("^ *-{3,} *$")) {
                line = " ---";
            } else {
                line = line.replaceAll("\\d[\\d,]*(\\.\\d+)? (ns|us|ms|s)\\b", "T");
                line = NUMBER.matcher(line).replaceAll(r -> r.group().equals("0") ? "0" : "N").replaceAll(" {2,}", " ");
            }
            sb.append(line).append('\n');
        }
        return sb.substring(0, sb.length() - 1);
    }

    private String step(String line) throws IOException {
        List<String> w = words(expand(line));
        if (w.get(0).equals("damage")) {
            SharedMemEngineProvider.damage(w.get(1), w.get(2));
            return "";
        }
        Path file = Path.of(w.get(1));
        switch (w.get(0)) {
            case "flip" -> {
                try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                    long at = Long.parseLong(w.get(2));
                    f.seek(at);
                    int b = f.read();
                    f.seek(at);
                    f.write(~b & 0xFF);
                }
                return "";
            }
            case "exists" -> {
                return Files.exists(file) ? "exists\n" : "absent\n";
            }
            case "mkdir" -> {
                Files.createDirectories(file);
                return "";
            }
            case "write" -> {
                Files.writeString(file, String.join(" ", w.subList(2, w.size())) + "\n", StandardCharsets.UTF_8);
                return "";
            }
            case "truncate" -> {
                try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                    f.setLength(Long.parseLong(w.get(2)));
                }
                return "";
            }
            case "hexdump" -> {
                byte[] b = Files.readAllBytes(file);
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < b.length; i += 16) {
                    int n = Math.min(16, b.length - i);
                    sb.append(String.format("%08x  ", i));
                    for (int k = 0; k < n; k++) {
                        sb.append(HexFormat.of().toHexDigits(b[i + k])).append(k == 7 ? "  " : " ");
                    }
                    sb.append(" ".repeat((16 - n) * 3 + (n <= 7 ? 1 : 0))).append(" |");
                    for (int k = 0; k < n; k++) {
                        int c = b[i + k] & 0xFF;
                        sb.append(c >= 0x20 && c < 0x7F ? (char) c : '.');
                    }
                    sb.append("|\n");
                }
                return sb.toString();
            }
            default -> throw new IllegalArgumentException("unknown step: " + line);
        }
    }

    private String expand(String s) {
        return s.replace("$TMP", tmp.toString());
    }

    private String unexpand(String s) {
        return s.replace(tmp.toString(), "$TMP").replace(System.getProperty("java.version"), "$JAVA");
    }

    /** Splits on spaces; {@code '...'} is one word taken literally, possibly empty. */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder w = null;
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '\'') {
                    quoted = false;
                } else {
                    w.append(c);
                }
            } else if (c == '\'') {
                quoted = true;
                w = w == null ? new StringBuilder() : w;
            } else if (c == ' ') {
                if (w != null) {
                    out.add(w.toString());
                    w = null;
                }
            } else {
                w = w == null ? new StringBuilder() : w;
                w.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unclosed quote in: " + s);
        }
        if (w != null) {
            out.add(w.toString());
        }
        return out;
    }
}
