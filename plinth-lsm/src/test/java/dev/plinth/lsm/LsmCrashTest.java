package dev.plinth.lsm;

import dev.plinth.testkit.crash.CrashSuite;
import java.nio.file.Path;

/** The lsm engine under kill -9; see {@link CrashSuite} and docs/reliability.md. */
class LsmCrashTest extends CrashSuite {
    @Override
    protected String uri(Path dir) {
        return "lsm:" + dir;
    }
}
