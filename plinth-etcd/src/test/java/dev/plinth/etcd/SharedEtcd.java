package dev.plinth.etcd;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One etcd of each size (a single node, a three-node cluster) for every test class of the run that asks for
 * it: started on first use, stopped when the test run ends (by JUnit's root store, or the cluster's shutdown
 * hook if the JVM ends first).
 */
final class SharedEtcd {
    private static final Object LOCK = new Object();
    private static final java.util.Map<Integer, EtcdCluster> BY_SIZE = new java.util.HashMap<>();

    private SharedEtcd() {
    }

    /**
     * The shared cluster of {@code size} members, started if needed.
     *
     * @param context the test's context, whose root store closes the cluster at the end of the run
     */
    static EtcdCluster get(ExtensionContext context, int size) {
        synchronized (LOCK) {
            EtcdCluster node = BY_SIZE.get(size);
            if (node == null) {
                EtcdCluster c = EtcdCluster.start(size);
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                        .put(SharedEtcd.class.getName() + size, (ExtensionContext.Store.CloseableResource) () -> {
                            synchronized (LOCK) {
                                c.close();
                                BY_SIZE.remove(size);
                            }
                        });
                BY_SIZE.put(size, c);
                node = c;
            }
            return node;
        }
    }
}
