package dev.plinth.etcd;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One single-node etcd for every test class of the run that asks for it: started on first use, stopped when
 * the test run ends (by JUnit's root store, or the cluster's shutdown hook if the JVM ends first).
 */
final class SharedEtcd {
    private static final Object LOCK = new Object();
    private static EtcdCluster node;

    private SharedEtcd() {
    }

    /**
     * The shared node, started if needed.
     *
     * @param context the test's context, whose root store closes the node at the end of the run
     */
    static EtcdCluster get(ExtensionContext context) {
        synchronized (LOCK) {
            if (node == null) {
                EtcdCluster c = EtcdCluster.start(1);
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                        .put(SharedEtcd.class.getName(), (ExtensionContext.Store.CloseableResource) () -> {
                            synchronized (LOCK) {
                                c.close();
                                node = null;
                            }
                        });
                node = c;
            }
            return node;
        }
    }
}
