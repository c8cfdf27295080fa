package dev.plinth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Plinth;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plinth on the module path: the core module exports its API and SPI and nothing under
 * {@code internal}; an application module that reaches into {@code internal} does not compile; the
 * examples run as a named module, finding the in-memory engine through the module's {@code provides}.
 */
class ModulePathTest {
    @TempDir
    Path dir;

    private static Path locationOf(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void coreExportsEveryPackageButTheInternalOnes() throws Exception {
        ModuleDescriptor core = ModuleFinder.of(locationOf(Plinth.class)).find("dev.plinth").orElseThrow().descriptor();
        Set<String> exported = new TreeSet<>();
        core.exports().forEach(e -> {
            assertThat(e.isQualified()).as("export of %s is to everyone", e.source()).isFalse();
            exported.add(e.source());
        });
        Set<String> expected = new TreeSet<>();
        for (String p : core.packages()) {
            if (!p.contains(".internal")) {
                expected.add(p);
            }
        }
        assertThat(exported).isEqualTo(expected).contains("dev.plinth", "dev.plinth.spi");
        assertThat(core.uses()).contains("dev.plinth.spi.EngineProvider");
    }

    @Test
    void coreRequiresTheModuleThatLetsItUnmapAMappedFileAtOnce() throws Exception {
        ModuleDescriptor core = ModuleFinder.of(locationOf(Plinth.class)).find("dev.plinth").orElseThrow().descriptor();
        assertThat(core.requires()).as("without it, on the module path, mapped tables would stay mapped until GC")
                .anySatisfy(r -> {
                    assertThat(r.name()).isEqualTo("jdk.unsupported");
                    assertThat(r.modifiers()).doesNotContain(ModuleDescriptor.Requires.Modifier.STATIC);
                });
    }

    @Test
    void anApplicationModuleCannotReachIntoInternal() throws Exception {
        assertThat(compileProbe("import dev.plinth.Plinth; public class Probe { Object o = Plinth.class; }"))
                .as("a module using only the API compiles").isEmpty();
        assertThat(compileProbe(
                "import dev.plinth.internal.mem.MemEngine; public class Probe { Object o = MemEngine.class; }"))
                .as("a module importing an internal package does not compile")
                .contains("package dev.plinth.internal.mem is not visible");
    }

    /** Compiles a one-class module {@code probe} that requires the core; returns javac's errors, if any. */
    private String compileProbe(String source) throws IOException, URISyntaxException {
        Path src = Files.createTempDirectory(dir, "probe");
        Path moduleInfo = src.resolve("module-info.java");
        Files.writeString(moduleInfo, "module probe { requires dev.plinth; }");
        Path pkg = Files.createDirectories(src.resolve("probe"));
        Path probe = pkg.resolve("Probe.java");
        Files.writeString(probe, "package probe; " + source);
        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
        StringWriter errors = new StringWriter();
        int rc = javac.run(new PrintWriter(errors), new PrintWriter(errors), "--release", "17",
                "-d", src.resolve("out").toString(), "--module-path", locationOf(Plinth.class).toString(),
                moduleInfo.toString(), probe.toString());
        return rc == 0 ? "" : errors.toString();
    }

    @Test
    void quickStartRunsAsANamedModule() throws Exception {
        String modulePath = locationOf(Plinth.class) + File.pathSeparator + locationOf(QuickStart.class);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = dir.resolve("quickstart.log");
        Process p = new ProcessBuilder(java.toString(), "--module-path", modulePath,
                "-m", "dev.plinth.examples/dev.plinth.examples.QuickStart")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("QuickStart ended").isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("user:1 = Ada L.").contains("cas won: true, users in transaction: 2");
    }
}
