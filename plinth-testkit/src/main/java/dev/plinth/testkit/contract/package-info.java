/**
 * The conformance contracts: JUnit 5 interfaces whose default methods are the tests every engine and
 * every decorator stack must pass, run by {@link dev.plinth.testkit.ConformanceSuite}.
 *
 * <p>Each contract is a {@code public interface XContract extends ContractSupport}; the first paragraph
 * of its Javadoc says what it proves. A test uses the fresh store from
 * {@link dev.plinth.testkit.ContractSupport#store()}, closes everything it opens (the suite fails a test
 * that leaks a cursor, snapshot or transaction), switches on capabilities with assumptions (so a test an
 * engine cannot run is reported as skipped), never sleeps to synchronise and never asserts on elapsed
 * time. Concurrent tests use {@link dev.plinth.testkit.contract.Concurrently} with bounded iteration
 * counts; {@link dev.plinth.testkit.contract.Bytes} builds keys and shows them readably.
 */
package dev.plinth.testkit.contract;
