package dev.plinth.testkit.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.io.NioVfs;
import dev.plinth.io.Vfs;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;

/**
 * The seam's contract through the fault wrapper over real files, with no fault armed and a free-space
 * limit far above what the tests write: the wrapper alone changes nothing, and the contract closes what it
 * opens.
 */
class FaultyVfsContractTest extends VfsContract {
    private FaultyVfs faulty;

    @Override
    protected Vfs newVfs(Path dir) {
        faulty = new FaultyVfs(NioVfs.at(dir), 1);
        faulty.limitFreeSpace(1L << 30);
        return faulty;
    }

    @AfterEach
    void nothingLeaked() {
        faulty.assertNoLeaks();
        assertThat(faulty.failuresInjected()).isZero();
    }
}
