package dev.plinth.rocksdb;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.rocksdb.AbstractNativeReference;

/**
 * A test hook that records every native RocksDB object the engine, its cursors, snapshots and batches
 * create, so a test can check that each one was closed. Thread-safe.
 *
 * <p>Tracking is off unless a test {@link #start() starts} it; then {@link #track} costs one volatile read.
 * RocksDB has no finalizers, so an object that is never closed leaks its native memory for good; its
 * {@code isOwningHandle()} stays {@code true} after the engine closed, which is what
 * {@link #stillOwning()} reports. Only one tracker can be active at a time, process-wide, so tests that
 * start one must not run concurrently with other RocksDB tests.
 */
final class NativeTracker implements AutoCloseable {
    /** The active tracker, or {@code null}: the only state the engine reads when tracking is off. */
    private static volatile NativeTracker active;

    /** {@code AbstractNativeReference.isOwningHandle()} is protected (public only on some subclasses). */
    private static final Method IS_OWNING_HANDLE;

    static {
        try {
            IS_OWNING_HANDLE = AbstractNativeReference.class.getDeclaredMethod("isOwningHandle");
            IS_OWNING_HANDLE.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("cannot reach AbstractNativeReference.isOwningHandle(): " + e);
        }
    }

    /** One native object and where it was made. */
    private record Created(AbstractNativeReference object, Throwable origin) {
    }

    private final ConcurrentLinkedQueue<Created> created = new ConcurrentLinkedQueue<>();

    private NativeTracker() {
    }

    /**
     * Records a native object if a tracker is active.
     *
     * @param object the object just created, or {@code null} (ignored)
     * @return {@code object}, so creation sites can wrap the constructor call
     */
    static <T extends AbstractNativeReference> T track(T object) {
        NativeTracker t = active;
        if (t != null && object != null) {
            t.created.add(new Created(object, new Throwable("created here")));
        }
        return object;
    }

    /**
     * Starts tracking every native object created from now on, until {@link #close()}.
     *
     * @return the active tracker
     * @throws IllegalStateException if a tracker is already active
     */
    static synchronized NativeTracker start() {
        if (active != null) {
            throw new IllegalStateException("a NativeTracker is already active");
        }
        active = new NativeTracker();
        return active;
    }

    /**
     * The simple class names of every object recorded since the last {@link #forget()}.
     *
     * @return a new sorted set
     */
    Set<String> trackedClasses() {
        Set<String> names = new TreeSet<>();
        for (Created c : created) {
            names.add(c.object.getClass().getSimpleName());
        }
        return names;
    }

    /**
     * How many objects were recorded since the last {@link #forget()}.
     *
     * @return the count
     */
    int trackedCount() {
        return created.size();
    }

    /**
     * The recorded objects that still own their native handle, that is, were never closed: each described
     * by its class and the engine frames of the stack that created it.
     *
     * @return a new list, empty if everything was closed
     */
    List<String> stillOwning() {
        List<String> out = new ArrayList<>();
        for (Created c : created) {
            if (isOwning(c.object)) {
                out.add(c.object.getClass().getSimpleName() + " tracked at " + engineFrames(c.origin));
            }
        }
        return out;
    }

    /**
     * How many recorded objects of each class still own their native handle: during an engine's life, what
     * it holds open now.
     *
     * @return a new map from simple class name to count; classes with none open are absent
     */
    Map<String, Integer> owningByClass() {
        Map<String, Integer> counts = new TreeMap<>();
        for (Created c : created) {
            if (isOwning(c.object)) {
                counts.merge(c.object.getClass().getSimpleName(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Drops every record, so the next check covers only objects created after this call. */
    void forget() {
        created.clear();
    }

    /** Stops tracking; later creations are not recorded. */
    @Override
    public void close() {
        synchronized (NativeTracker.class) {
            if (active == this) {
                active = null;
            }
        }
    }

    private static boolean isOwning(AbstractNativeReference object) {
        try {
            return (Boolean) IS_OWNING_HANDLE.invoke(object);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot ask " + object.getClass().getName() + " whether it owns its handle", e);
        }
    }

    private static String engineFrames(Throwable origin) {
        List<String> frames = new ArrayList<>();
        for (StackTraceElement e : origin.getStackTrace()) {
            if (e.getClassName().startsWith("dev.plinth.") && !e.getClassName().equals(NativeTracker.class.getName())) {
                frames.add(e.getClassName().substring(e.getClassName().lastIndexOf('.') + 1) + "." + e.getMethodName()
                        + ":" + e.getLineNumber());
            }
            if (frames.size() == 4) {
                break;
            }
        }
        return String.join(" < ", frames);
    }
}
