package com.example.plinth.sqlite;

import dev.plinth.testkit.crash.CrashSuite;
import java.nio.file.Path;

/** The sqlite engine under kill -9: the kit's crash harness, {@code -Dplinth.crashCycles} cycles (50 by default). */
class SqliteCrashTest extends CrashSuite {
    @Override
    protected String uri(Path dir) {
        return "sqlite:" + dir;
    }
}
