package dev.plinth.testkit.io;

import dev.plinth.io.Vfs;
import java.nio.file.Path;

/** The seam's contract on the strict in-memory file system. */
class MemVfsContractTest extends VfsContract {
    @Override
    protected Vfs newVfs(Path dir) {
        return new MemVfs(1);
    }
}
