/**
 * Plinth's core: the public API ({@code dev.plinth}), the engine SPI ({@code dev.plinth.spi}) and the
 * in-memory engine. Everything under {@code dev.plinth.internal} is encapsulated: applications and engines
 * build only on the exported packages. Engines are found with {@link java.util.ServiceLoader} through
 * {@link dev.plinth.spi.EngineProvider}, from named modules that {@code provide} it and from the class path.
 */
module dev.plinth {
    // sun.misc.Unsafe.invokeCleaner: NioVfs unmaps a mapped region at once when it is closed (see
    // dev.plinth.io.MappedRegion). Not static: on the module path a module no root requires is not loaded.
    requires jdk.unsupported;

    exports dev.plinth;
    exports dev.plinth.spi;
    exports dev.plinth.io;
    exports dev.plinth.keys;

    uses dev.plinth.spi.EngineProvider;
    uses dev.plinth.spi.DecoratorProvider;

    provides dev.plinth.spi.EngineProvider with dev.plinth.internal.mem.MemEngineProvider;
}
