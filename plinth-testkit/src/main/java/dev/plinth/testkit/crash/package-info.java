/**
 * The kill -9 crash harness: {@link dev.plinth.testkit.crash.CrashHarness} runs a write workload
 * ({@link dev.plinth.testkit.crash.CrashWorkload}) against any persistent engine in a child JVM, kills it
 * with SIGKILL at random moments, and checks after each kill, in its own JVM, that the store opens, holds
 * every acknowledged write, holds each batch whole or not at all, and holds a prefix of what was written
 * with no hole. Results come back as a {@link dev.plinth.testkit.crash.CrashReport}. See
 * {@code docs/reliability.md}.
 */
package dev.plinth.testkit.crash;
