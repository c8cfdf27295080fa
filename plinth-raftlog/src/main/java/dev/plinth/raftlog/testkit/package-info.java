/**
 * The reusable test suite of {@link dev.plinth.raftlog.RaftStorage}: {@link
 * dev.plinth.raftlog.testkit.RaftLogStorageContract} (the contract, one JUnit 5 test per promise),
 * {@link dev.plinth.raftlog.testkit.RaftLogModelRunContract} (seeded random runs compared with a model) and
 * {@link dev.plinth.raftlog.testkit.RaftLogModel} (that model: plain maps). Another implementation runs all of
 * it with one factory method per class; it needs JUnit Jupiter and AssertJ on its test class path, which
 * {@code plinth-raftlog} declares as optional dependencies so that applications do not inherit them.
 */
package dev.plinth.raftlog.testkit;
