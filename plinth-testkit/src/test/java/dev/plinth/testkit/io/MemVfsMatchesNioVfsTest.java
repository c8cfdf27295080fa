package dev.plinth.testkit.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.io.NioVfs;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random sequences of operations run on the in-memory file system and on real files side by side:
 * after every step both gave the same answer (or the same exception type) and hold the same tree and
 * bytes. 25 seeds by default; {@code -Dplinth.seed=N} replays one. A failure prints the seed and the steps.
 */
class MemVfsMatchesNioVfsTest {
    private static final String[] FILES = {"a", "b", "CURRENT", "d/x", "d/y", "e/z"};
    private static final String[] DIRS = {"", "d", "e"};
    private static final int STEPS = 300;

    @TempDir
    Path tempDir;

    @Test
    void bothFileSystemsAgreeOnEveryStep() throws Exception {
        Long replay = replaySeed();
        long[] seeds = replay != null ? new long[] {replay} : java.util.stream.LongStream.range(1, 26).toArray();
        for (long seed : seeds) {
            Path root = Files.createDirectories(tempDir.resolve("seed-" + seed));
            run(seed, new MemVfs(seed), NioVfs.at(root));
        }
        System.out.println("MemVfsMatchesNioVfsTest: " + seeds.length + " seeds x " + STEPS + " steps agree"
                + (replay != null ? " (replayed seed " + replay + ")" : " (seeds 1-25; replay one with -Dplinth.seed=N)"));
    }

    private static Long replaySeed() {
        String v = System.getProperty("plinth.seed");
        try {
            return v == null ? null : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** One operation, run on either file system with that file system's open handles. */
    private interface Step extends Function<Side, String> {
    }

    /** A file system and the handles open on it; the two sides' lists are kept in step. */
    private static final class Side {
        final Vfs vfs;
        final List<VfsFile> open = new ArrayList<>();

        Side(Vfs vfs) {
            this.vfs = vfs;
        }
    }

    private static void run(long seed, Vfs mem, Vfs nio) {
        Random r = new Random(seed);
        Side m = new Side(mem);
        Side n = new Side(nio);
        List<String> log = new ArrayList<>();
        try {
            for (int i = 0; i < STEPS; i++) {
                String[] description = new String[1];
                Step step = randomStep(r, m.open.size(), description);
                log.add(description[0]);
                String a = outcome(step, m);
                String b = outcome(step, n);
                assertThat(a).as("seed %d step %d %s", seed, i, description[0]).isEqualTo(b);
                assertThat(m.open).hasSameSizeAs(n.open);
                assertThat(tree(mem, "")).as("seed %d after step %d %s", seed, i, description[0])
                        .isEqualTo(tree(nio, ""));
            }
        } catch (AssertionError e) {
            throw new AssertionError("seed " + seed + " (replay with -Dplinth.seed=" + seed + "), steps:\n  "
                    + String.join("\n  ", log) + "\n" + e.getMessage(), e);
        } finally {
            m.open.forEach(VfsFile::close);
            n.open.forEach(VfsFile::close);
        }
    }

    private static String outcome(Step step, Side side) {
        try {
            return "ok " + step.apply(side);
        } catch (RuntimeException e) {
            return "threw " + e.getClass().getSimpleName();
        }
    }

    private static Step randomStep(Random r, int openCount, String[] description) {
        String file = FILES[r.nextInt(FILES.length)];
        String dir = DIRS[r.nextInt(DIRS.length)];
        long position = r.nextInt(40);
        byte[] data = new byte[r.nextInt(12)];
        r.nextBytes(data);
        int handle = openCount == 0 ? -1 : r.nextInt(openCount);
        int kind = r.nextInt(openCount == 0 ? 9 : 18);
        switch (kind) {
            case 0, 1 -> {
                description[0] = "create " + file;
                return s -> {
                    s.open.add(s.vfs.create(file));
                    return "";
                };
            }
            case 2 -> {
                description[0] = "openWrite " + file;
                return s -> {
                    s.open.add(s.vfs.openWrite(file));
                    return "";
                };
            }
            case 3 -> {
                String to = r.nextBoolean() ? siblingOf(file) : FILES[r.nextInt(FILES.length)];
                description[0] = "rename " + file + " " + to;
                return s -> {
                    s.vfs.rename(file, to);
                    return "";
                };
            }
            case 4 -> {
                String target = r.nextBoolean() ? file : dir.isEmpty() ? "d" : dir;
                description[0] = "delete " + target;
                return s -> Boolean.toString(s.vfs.delete(target));
            }
            case 5 -> {
                description[0] = "mkdirs " + dir;
                return s -> {
                    s.vfs.mkdirs(dir);
                    return "";
                };
            }
            case 6 -> {
                description[0] = "list " + dir;
                return s -> s.vfs.list(dir).toString();
            }
            case 7 -> {
                description[0] = "size/exists " + file;
                return s -> s.vfs.exists(file) + " " + s.vfs.isDirectory(file) + " " + s.vfs.size(file);
            }
            case 8 -> {
                description[0] = "syncDirectory " + dir;
                return s -> {
                    s.vfs.syncDirectory(dir);
                    return "";
                };
            }
            case 9, 10 -> {
                description[0] = "handle " + handle + " write " + data.length + " bytes at " + position;
                return s -> {
                    s.open.get(handle).write(position, ByteBuffer.wrap(data));
                    return "";
                };
            }
            case 11, 12 -> {
                description[0] = "handle " + handle + " append " + data.length + " bytes";
                return s -> Long.toString(s.open.get(handle).append(ByteBuffer.wrap(data)));
            }
            case 13 -> {
                description[0] = "handle " + handle + " read 16 at " + position;
                return s -> {
                    ByteBuffer b = ByteBuffer.allocate(16);
                    int got = s.open.get(handle).read(position, b);
                    return got + " " + Arrays.toString(Arrays.copyOf(b.array(), got));
                };
            }
            case 14 -> {
                description[0] = "handle " + handle + " truncate " + position;
                return s -> {
                    s.open.get(handle).truncate(position);
                    return "";
                };
            }
            case 15 -> {
                description[0] = "handle " + handle + " preallocate " + position;
                return s -> {
                    s.open.get(handle).preallocate(position);
                    return "";
                };
            }
            case 16 -> {
                description[0] = "handle " + handle + " force and size";
                return s -> {
                    VfsFile f = s.open.get(handle);
                    f.force();
                    f.forceData();
                    return Long.toString(f.size());
                };
            }
            default -> {
                description[0] = "handle " + handle + " close";
                return s -> {
                    s.open.remove(handle).close();
                    return "";
                };
            }
        }
    }

    /** A sibling name in the same directory, so renames stay within one directory most of the time. */
    private static String siblingOf(String file) {
        int slash = file.lastIndexOf('/');
        return (slash < 0 ? "" : file.substring(0, slash + 1)) + "renamed";
    }

    /** The whole tree under a directory: names, kinds and bytes. */
    private static String tree(Vfs vfs, String dir) {
        StringBuilder b = new StringBuilder();
        for (String leaf : vfs.list(dir)) {
            String name = dir.isEmpty() ? leaf : dir + "/" + leaf;
            if (vfs.isDirectory(name)) {
                b.append(name).append("/[").append(tree(vfs, name)).append("] ");
            } else {
                b.append(name).append('=').append(Arrays.toString(VfsContract.readAll(vfs, name))).append(' ');
            }
        }
        return b.toString();
    }
}
