package dev.plinth.testkit.io;

import dev.plinth.io.NioVfs;
import dev.plinth.io.Vfs;
import java.nio.file.Path;

/** The seam's contract on real files. */
class NioVfsContractTest extends VfsContract {
    @Override
    protected Vfs newVfs(Path dir) {
        return NioVfs.at(dir);
    }
}
