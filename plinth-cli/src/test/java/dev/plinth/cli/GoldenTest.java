package dev.plinth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every golden script under {@code src/test/resources/golden/} ({@link GoldenScript}) and compares
 * its output with the file. After a deliberate change of output, rewrite the files with
 * {@code -Dplinth.golden.update=true} and review the diff before committing it.
 */
class GoldenTest {
    private static final Path SOURCE_DIR = Path.of("src/test/resources/golden");
    /** Subcommands without a golden script: help is covered in help.txt. */
    private static final Set<String> NOT_GOLDEN = Set.of("help");

    @TempDir
    Path tmp;

    @AfterEach
    void dropSharedStores() {
        SharedMemEngineProvider.reset();
    }

    static Stream<String> scripts() throws IOException, URISyntaxException {
        try (Stream<Path> files = Files.list(goldenDir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".txt")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void outputMatchesGoldenFile(String name) throws Exception {
        String expected = Files.readString(goldenDir().resolve(name), StandardCharsets.UTF_8);
        String actual = new GoldenScript(tmp).run(expected);
        if (Boolean.getBoolean("plinth.golden.update")) {
            Files.writeString(SOURCE_DIR.resolve(name), actual, StandardCharsets.UTF_8);
            return;
        }
        assertThat(actual).as("output of golden/%s (rewrite with -Dplinth.golden.update=true)", name)
                .isEqualTo(expected);
    }

    @Test
    void everyCommandHasAGoldenScript() throws Exception {
        List<String> scripts = scripts().toList();
        for (String command : PlinthCommand.commandLine().getSubcommands().keySet()) {
            if (!NOT_GOLDEN.contains(command)) {
                assertThat(scripts).as("golden script for '%s'", command).contains(command + ".txt");
            }
        }
    }

    private static Path goldenDir() throws URISyntaxException {
        return Path.of(GoldenTest.class.getResource("/golden").toURI());
    }
}
