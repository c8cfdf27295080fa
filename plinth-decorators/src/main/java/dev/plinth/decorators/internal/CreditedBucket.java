package dev.plinth.decorators.internal;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Bucket4j bucket with a credit in front of it: a number of tokens known to be in the bucket, which calls take
 * with one compare-and-set instead of the bucket's lock and clock read. Used for a global bucket when nothing
 * else takes from it (no tenant limits and no waiting in that direction: {@link RateLimitedEngine}); every take
 * from the bucket must then go through {@link #tryTake}. Thread-safe.
 *
 * <p>How it stays within the limit. When the credit is short, {@link #refill} (under {@link #lock}) first charges
 * the bucket for what was taken from the credit since the last refill ({@code Bucket.consumeIgnoringRateLimits}),
 * then takes the call's tokens from the bucket, and makes the credit at most {@link #chunk} of the tokens the
 * bucket reported left, without taking them. Until the next refill the bucket believes it still holds the
 * credit's spent tokens. Its state is then what it would be had those calls taken their tokens at the next
 * refill instead of when they ran, and they could take them when they ran, since the tokens were in the bucket
 * at the last refill and nothing else takes from it. So no call is admitted that the plain bucket would refuse.
 * The reverse does not hold exactly: while the bucket believes it holds spent tokens, refill that would have
 * taken it past its capacity is lost, so calls may be refused slightly earlier, by at most {@link #chunk}
 * tokens, which is why the credit is a small part of the capacity ({@link #CREDIT_SHARE}).
 *
 * <p>With a fake clock that does not move, the admitted calls are exactly the bucket's capacity, as without the
 * credit.
 */
final class CreditedBucket {
    /** The credit is at most the capacity divided by this (and at least one token). */
    static final long CREDIT_SHARE = 64;

    private final Bucket bucket;
    private final long chunk;
    /** Tokens that may be taken without asking the bucket; only ever lowered outside {@link #lock}. */
    private final AtomicLong credit = new AtomicLong();
    /** Guards {@link #granted} and every call of the bucket's own takes. */
    private final Object lock = new Object();
    /** The credit as the last refill set it: what is spent since is {@code granted - credit}. */
    private long granted;

    /**
     * Puts a credit in front of a bucket.
     *
     * @param bucket the bucket; nothing else may take tokens from it
     * @param capacity its capacity
     */
    CreditedBucket(Bucket bucket, long capacity) {
        this.bucket = bucket;
        this.chunk = Math.max(1, capacity / CREDIT_SHARE);
    }

    /**
     * Takes tokens, or none.
     *
     * @param tokens how many, 1 or more
     * @return whether they were taken
     */
    boolean tryTake(long tokens) {
        for (long c = credit.get(); c >= tokens; c = credit.get()) {
            if (credit.compareAndSet(c, c - tokens)) {
                return true;
            }
        }
        return refill(tokens);
    }

    private boolean refill(long tokens) {
        synchronized (lock) {
            for (long c = credit.get(); c >= tokens; c = credit.get()) { // another refill may have come first
                if (credit.compareAndSet(c, c - tokens)) {
                    return true;
                }
            }
            long left = credit.getAndSet(0); // calls that take from here on find none and wait for the lock
            long spent = granted - left;
            granted = 0;
            if (spent > 0) {
                bucket.consumeIgnoringRateLimits(spent);
            }
            ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(tokens);
            if (!probe.isConsumed()) {
                return false;
            }
            granted = Math.min(chunk, Math.max(0, probe.getRemainingTokens()));
            credit.set(granted);
            return true;
        }
    }

    /**
     * Gives tokens back to the bucket (up to its capacity), for a call that took them and did nothing.
     *
     * @param tokens how many
     */
    void giveBack(long tokens) {
        bucket.addTokens(tokens);
    }
}
