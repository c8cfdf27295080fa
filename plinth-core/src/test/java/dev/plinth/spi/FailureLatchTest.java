package dev.plinth.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.ConflictException;
import dev.plinth.CorruptionException;
import dev.plinth.StorageFullException;
import dev.plinth.StorageIOException;
import org.junit.jupiter.api.Test;

class FailureLatchTest {
    @Test
    void untrippedLetsEverythingThrough() {
        FailureLatch latch = new FailureLatch("lsm:/data");
        assertThatNoException().isThrownBy(() -> latch.check("put"));
        assertThat(latch.isTripped()).isFalse();
        assertThat(latch.failure()).isNull();
    }

    @Test
    void theFirstFailureStaysAndEveryLaterCheckThrowsItsKind() {
        FailureLatch latch = new FailureLatch("lsm:/data");
        StorageIOException fsync = new StorageIOException("fsync of /data/000001.log failed: EIO");
        assertThat(latch.trip(fsync)).isTrue();
        assertThat(latch.trip(new CorruptionException("later"))).as("the first failure is kept").isFalse();
        assertThat(latch.failure()).isSameAs(fsync);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> latch.check("write batch"))
                    .isExactlyInstanceOf(StorageIOException.class)
                    .hasCause(fsync)
                    .hasMessage("write batch on lsm:/data was refused: the store accepts no more writes since an"
                            + " earlier failure (fsync of /data/000001.log failed: EIO); nothing was applied");
        }
    }

    @Test
    void corruptionAndFullDiskKeepTheirTypesAndAdvice() {
        FailureLatch corrupt = new FailureLatch("s");
        corrupt.trip(new CorruptionException("bad block"));
        assertThatThrownBy(() -> corrupt.check("put")).isExactlyInstanceOf(CorruptionException.class);

        FailureLatch full = new FailureLatch("s");
        full.trip(new StorageFullException("no space"), "reopen the store once the file system has room");
        assertThatThrownBy(() -> full.check("put")).isExactlyInstanceOf(StorageFullException.class)
                .hasMessageEndingWith("; reopen the store once the file system has room");

        FailureLatch other = new FailureLatch("s");
        other.trip(new ConflictException("odd"));
        assertThatThrownBy(() -> other.check("put")).isExactlyInstanceOf(StorageIOException.class);

        FailureLatch error = new FailureLatch("s");
        error.trip(new OutOfMemoryError("heap"));
        assertThatThrownBy(() -> error.check("put")).isExactlyInstanceOf(IllegalStateException.class)
                .hasCauseInstanceOf(OutOfMemoryError.class);
    }
}
