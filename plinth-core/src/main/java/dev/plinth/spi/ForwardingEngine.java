package dev.plinth.spi;

import dev.plinth.Capabilities;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An engine that forwards every call to another; decorators override only what they change. Keyspace
 * handles, snapshots and cursors of the delegate pass through unchanged unless a subclass wraps them.
 * Thread-safe if the delegate is.
 */
public abstract class ForwardingEngine implements Engine {
    private final Engine delegate;

    /**
     * Wraps an engine.
     *
     * @param delegate the engine to forward to; closed by {@link #close()}
     */
    protected ForwardingEngine(Engine delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * The wrapped engine.
     *
     * @return the delegate
     */
    protected Engine delegate() {
        return delegate;
    }

    @Override
    public Capabilities capabilities() {
        return delegate.capabilities();
    }

    @Override
    public List<String> keyspaceNames() {
        return delegate.keyspaceNames();
    }

    @Override
    public EngineKeyspace keyspace(String name) {
        return delegate.keyspace(name);
    }

    @Override
    public EngineKeyspace createKeyspace(String name) {
        return delegate.createKeyspace(name);
    }

    @Override
    public boolean dropKeyspace(String name) {
        return delegate.dropKeyspace(name);
    }

    @Override
    public byte[] get(EngineKeyspace keyspace, byte[] key) {
        return delegate.get(keyspace, key);
    }

    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        return delegate.cursor(keyspace, scan);
    }

    @Override
    public EngineSnapshot snapshot() {
        return delegate.snapshot();
    }

    @Override
    public boolean apply(EngineBatch batch) {
        return delegate.apply(batch);
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    @Override
    public void compact() {
        delegate.compact();
    }

    @Override
    public List<String> verify() {
        return delegate.verify();
    }

    @Override
    public Map<String, Long> stats() {
        return delegate.stats();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
