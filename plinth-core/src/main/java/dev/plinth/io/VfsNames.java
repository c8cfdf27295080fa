package dev.plinth.io;

import java.util.Objects;

/**
 * Names in a {@link Vfs}: relative paths with {@code '/'} between segments, such as {@code "CURRENT"} or
 * {@code "raft/group-7/log_inprogress_1"}, resolved against the file system's root. Segments are
 * non-empty and are neither {@code "."} nor {@code ".."}; a name has no leading or trailing {@code '/'},
 * no {@code '\\'} and no NUL. The empty name {@code ""} is the root directory; it is accepted only where a
 * method says so (listing, {@code mkdirs}, {@code syncDirectory}, {@code exists}, {@code isDirectory}).
 * Stateless and thread-safe.
 */
public final class VfsNames {
    /** The root directory's name. */
    public static final String ROOT = "";

    private VfsNames() {
    }

    /**
     * Checks a name of a file or a directory other than the root.
     *
     * @param name the name
     * @return {@code name}
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if it is empty or malformed
     */
    public static String check(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("an empty name is the root directory, which is not allowed here");
        }
        return checkDirectory(name);
    }

    /**
     * Checks a directory name, which may be {@link #ROOT}.
     *
     * @param name the name
     * @return {@code name}
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if it is malformed
     */
    public static String checkDirectory(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            return name;
        }
        if (name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("file name '" + name + "' contains a backslash or a NUL");
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("file name '" + name
                        + "' must be relative, with non-empty segments other than '.' and '..' between single '/'");
            }
        }
        return name;
    }

    /**
     * The directory holding a name.
     *
     * @param name a checked name other than the root
     * @return its parent directory, {@link #ROOT} for a top-level name
     */
    public static String parent(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? ROOT : name.substring(0, slash);
    }

    /**
     * The last segment of a name.
     *
     * @param name a checked name other than the root
     * @return the part after the last {@code '/'}
     */
    public static String leaf(String name) {
        return name.substring(name.lastIndexOf('/') + 1);
    }

    /**
     * A name inside a directory.
     *
     * @param directory a directory name, possibly {@link #ROOT}
     * @param leaf one segment
     * @return {@code directory + "/" + leaf}, or {@code leaf} in the root
     * @throws IllegalArgumentException if the result is not a valid name
     */
    public static String join(String directory, String leaf) {
        return check(directory.isEmpty() ? leaf : directory + "/" + leaf);
    }
}
