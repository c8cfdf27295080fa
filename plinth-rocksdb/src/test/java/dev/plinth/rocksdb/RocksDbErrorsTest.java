package dev.plinth.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Only RocksDB's lock-conflict texts are reported as a store held open elsewhere; a {@code LOCK} file that
 * cannot be opened (a read-only file system, missing permission) is an ordinary I/O error. The texts are
 * RocksDB's own, from its POSIX environment's lock code.
 */
class RocksDbErrorsTest {
    @Test
    void lockConflictsAreRecognised() {
        assertThat(RocksDbErrors.lockHolder("IO error: While lock file: /d/LOCK: Resource temporarily unavailable"))
                .isEqualTo("in use by another process");
        assertThat(RocksDbErrors.lockHolder("IO error: lock hold by current process, acquire time 1700000000"
                + " acquiring thread 139: /d/LOCK: No locks available")).isEqualTo("already open in this process");
    }

    @Test
    void aLockFileThatCannotBeOpenedIsNotAConflict() {
        assertThat(RocksDbErrors.lockHolder("IO error: While open a file for lock: /d/LOCK: Read-only file system"))
                .isNull();
        assertThat(RocksDbErrors.lockHolder("IO error: While open a file for lock: /d/LOCK: Permission denied"))
                .isNull();
        assertThat(RocksDbErrors.lockHolder("IO error: No space left on device")).isNull();
    }
}
