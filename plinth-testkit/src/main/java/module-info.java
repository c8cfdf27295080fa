/**
 * The conformance kit: contracts any engine runs with one factory, the seeded model tester, and the
 * kill -9 crash harness. Its contracts are JUnit 5 tests, so JUnit and AssertJ come with it.
 */
module dev.plinth.testkit {
    requires transitive dev.plinth;
    requires java.management;
    requires transitive org.junit.jupiter.api;
    requires transitive org.junit.jupiter.params;
    requires transitive org.assertj.core;

    exports dev.plinth.testkit;
    exports dev.plinth.testkit.contract;
    exports dev.plinth.testkit.crash;
    exports dev.plinth.testkit.io;
    exports dev.plinth.testkit.model;

    // JUnit fills the suites' @TempDir fields and calls their lifecycle methods reflectively.
    opens dev.plinth.testkit to org.junit.platform.commons;
    opens dev.plinth.testkit.crash to org.junit.platform.commons;
}
