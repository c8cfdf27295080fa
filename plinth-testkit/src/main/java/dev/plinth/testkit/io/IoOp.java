package dev.plinth.testkit.io;

/**
 * The kinds of operation a {@link FaultyVfs} counts and can fail. Closing a handle or a mapped region is
 * neither counted nor failed.
 */
public enum IoOp {
    /** {@link dev.plinth.io.Vfs#create(String)}. */
    CREATE("create"),
    /** {@link dev.plinth.io.Vfs#openRead(String)} and {@link dev.plinth.io.Vfs#openWrite(String)}. */
    OPEN("open"),
    /**
     * {@link dev.plinth.io.VfsFile#read}, and each use of a mapped range ({@link dev.plinth.io.MappedRegion#bytes}),
     * so a read fault reaches mapped reads as it reaches positional ones.
     */
    READ("read"),
    /** {@link dev.plinth.io.VfsFile#map}. */
    MAP("map"),
    /** {@link dev.plinth.io.VfsFile#write}, {@link dev.plinth.io.VfsFile#append} and
     * {@link dev.plinth.io.VfsFile#preallocate}. */
    WRITE("write"),
    /** {@link dev.plinth.io.VfsFile#truncate}. */
    TRUNCATE("truncate"),
    /** {@link dev.plinth.io.VfsFile#force()} and {@link dev.plinth.io.VfsFile#forceData()}. */
    FORCE("force"),
    /** {@link dev.plinth.io.Vfs#size(String)} and {@link dev.plinth.io.VfsFile#size()}. */
    SIZE("read the size of"),
    /** {@link dev.plinth.io.Vfs#exists(String)} and {@link dev.plinth.io.Vfs#isDirectory(String)}. */
    EXISTS("look up"),
    /** {@link dev.plinth.io.Vfs#list(String)}. */
    LIST("list"),
    /** {@link dev.plinth.io.Vfs#mkdirs(String)}. */
    MKDIRS("make the directory"),
    /** {@link dev.plinth.io.Vfs#rename(String, String)}. */
    RENAME("rename"),
    /** {@link dev.plinth.io.Vfs#delete(String)}. */
    DELETE("delete"),
    /** {@link dev.plinth.io.Vfs#lock(String)}. */
    LOCK("lock"),
    /** {@link dev.plinth.io.Vfs#syncDirectory(String)}. */
    SYNC_DIRECTORY("sync the directory");

    private final String verb;

    IoOp(String verb) {
        this.verb = verb;
    }

    /**
     * How a failure of this operation names it, as {@link dev.plinth.io.NioVfs} does.
     *
     * @return a verb phrase, such as {@code "force"}
     */
    public String verb() {
        return verb;
    }
}
