package dev.plinth.io;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;

/**
 * What the {@link MappedRegion}s of this package share: the range checks of {@link VfsFile#map} and
 * {@link MappedRegion#bytes}, and unmapping a {@link MappedByteBuffer} at once. Java 17 has no public way to
 * unmap; {@code sun.misc.Unsafe.invokeCleaner} (module {@code jdk.unsupported}, present in every standard JDK)
 * does it, found here by reflection so that a runtime without it still works, falling back to the garbage
 * collector ({@link #canUnmap()} says which). Stateless and thread-safe.
 */
final class MappedRegions {
    /** {@code Unsafe.invokeCleaner} and the {@code Unsafe} it is called on; {@code null} if unavailable. */
    private static final Method INVOKE_CLEANER;
    private static final Object UNSAFE;

    static {
        Method m = null;
        Object u = null;
        try {
            Class<?> c = Class.forName("sun.misc.Unsafe");
            java.lang.reflect.Field f = c.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            u = f.get(null);
            m = c.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            m = null;
            u = null;
        }
        INVOKE_CLEANER = m;
        UNSAFE = u;
        if (m == null) {
            System.getLogger(MappedRegions.class.getName()).log(System.Logger.Level.WARNING,
                    "sun.misc.Unsafe.invokeCleaner is not available (is the module jdk.unsupported missing from the"
                            + " runtime image?): mapped files are unmapped only when the garbage collector frees them,"
                            + " so a deleted file mapped earlier keeps its disk space in use until then");
        }
    }

    private MappedRegions() {
    }

    /**
     * Whether {@link #unmap} unmaps at once (else the mapping goes when the garbage collector frees it).
     *
     * @return {@code true} if {@code Unsafe.invokeCleaner} was found
     */
    static boolean canUnmap() {
        return INVOKE_CLEANER != null;
    }

    /**
     * Unmaps a buffer that {@code FileChannel.map} returned (not a slice of it) at once, if the JVM allows it.
     * Nothing may read the buffer or any view of it afterwards.
     *
     * @param buffer the mapping
     */
    static void unmap(MappedByteBuffer buffer) {
        if (INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, buffer);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot unmap a mapped file: " + e.getCause(), e);
        }
    }

    /**
     * Checks a range of a file to map.
     *
     * @param location the file, for the message
     * @param position the range's start
     * @param length its length
     * @param size the file's size
     * @throws IllegalArgumentException if the range is negative or runs past the end of the file
     */
    static void checkMapRange(String location, long position, int length, long size) {
        if (position < 0 || length < 0 || position + length > size) {
            throw new IllegalArgumentException("cannot map bytes " + position + " to " + (position + length) + " of "
                    + location + ": it holds " + size + " bytes");
        }
    }

    /**
     * Checks a range of a region to hand out.
     *
     * @param region the region
     * @param offset the range's start in the region
     * @param length its length
     * @throws IllegalArgumentException if the range is negative or runs past the end of the region
     */
    static void checkRange(MappedRegion region, int offset, int length) {
        if (offset < 0 || length < 0 || offset > region.length() - length) {
            throw new IllegalArgumentException("cannot read bytes " + offset + " to " + ((long) offset + length)
                    + " of the " + region.length() + "-byte " + region);
        }
    }
}
