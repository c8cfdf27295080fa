package dev.plinth.lmdb;

import dev.plinth.testkit.crash.CrashSuite;
import java.nio.file.Path;
import java.util.List;

/** LMDB under kill -9; see {@link CrashSuite} and docs/reliability.md. */
class LmdbCrashTest extends CrashSuite {
    /** lmdbjava on Java 17 needs these (lmdbjava #205); the child is a plain JVM, so it is told too. */
    static final List<String> CHILD_JVM_ARGS = List.of("--add-opens", "java.base/java.nio=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED");

    @Override
    protected String uri(Path dir) {
        return "lmdb:" + dir;
    }

    @Override
    protected List<String> childJvmArgs() {
        return CHILD_JVM_ARGS;
    }
}
