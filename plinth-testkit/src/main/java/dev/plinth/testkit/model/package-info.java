/**
 * The seeded model-based random tester: {@link dev.plinth.testkit.model.ModelTester} runs generated steps
 * against a store and a {@code TreeMap} model, checks after every step, and shrinks failures;
 * {@link dev.plinth.testkit.model.ModelResult} is what a run reports. The contract that runs it in the
 * conformance kit is {@link dev.plinth.testkit.ModelContract}.
 */
package dev.plinth.testkit.model;
