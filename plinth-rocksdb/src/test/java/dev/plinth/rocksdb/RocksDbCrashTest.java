package dev.plinth.rocksdb;

import dev.plinth.testkit.crash.CrashSuite;
import java.nio.file.Path;

/** RocksDB under kill -9; see {@link CrashSuite} and docs/reliability.md. */
class RocksDbCrashTest extends CrashSuite {
    @Override
    protected String uri(Path dir) {
        return "rocksdb:" + dir;
    }
}
