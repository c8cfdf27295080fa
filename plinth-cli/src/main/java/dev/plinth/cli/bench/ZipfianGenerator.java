package dev.plinth.cli.bench;

import java.util.SplittableRandom;

/**
 * Draws integers in {@code [0, items)} with a Zipfian distribution: rank {@code i} (from 0) is drawn with
 * probability proportional to {@code 1 / (i + 1)^theta}, so 0 is the most popular. This is the method of
 * Gray et al., "Quickly generating billion-record synthetic databases" (SIGMOD 1994), which YCSB's
 * request distributions use, with YCSB's constant {@link #YCSB_THETA}.
 *
 * <p>The item count may grow between draws ({@link #next(SplittableRandom, long)}); the normalising
 * constant {@code zeta(items)} is then extended term by term, so a count that grows by one per insert
 * costs one {@code pow} per insert. Not thread-safe: one generator per thread.
 */
final class ZipfianGenerator {
    /** YCSB's default skew ({@code zipfianconstant}). */
    static final double YCSB_THETA = 0.99;
    /** Below this many items {@link #zeta(long, double)} sums every term; above it, Euler-Maclaurin. */
    static final long EXACT_ZETA_LIMIT = 100_000;
    /** Item-count growth that is added term by term instead of recomputing {@code zeta}. */
    private static final long INCREMENTAL_LIMIT = 10_000;

    private final double theta;
    private final double alpha;
    private final double zeta2;
    private final double secondThreshold;
    private long items;
    private double zetaN;
    private double eta;

    /**
     * Makes a generator.
     *
     * @param items the number of items, 1 or more
     * @param theta the skew, {@code 0 < theta < 1}
     */
    ZipfianGenerator(long items, double theta) {
        if (items < 1) {
            throw new IllegalArgumentException("items must be >= 1, got " + items);
        }
        if (!(theta > 0 && theta < 1)) {
            throw new IllegalArgumentException("theta must be in (0, 1), got " + theta);
        }
        this.theta = theta;
        this.alpha = 1.0 / (1.0 - theta);
        this.zeta2 = zeta(2, theta);
        this.secondThreshold = 1.0 + Math.pow(0.5, theta);
        this.items = items;
        this.zetaN = zeta(items, theta);
        this.eta = eta();
    }

    /**
     * The current item count.
     *
     * @return items drawn from, {@code [0, items)}
     */
    long items() {
        return items;
    }

    /**
     * Draws from the current item count.
     *
     * @param rnd the random source
     * @return a rank in {@code [0, items)}
     */
    long next(SplittableRandom rnd) {
        double u = rnd.nextDouble();
        double uz = u * zetaN;
        if (uz < 1.0) {
            return 0;
        }
        if (uz < secondThreshold) {
            return Math.min(1, items - 1);
        }
        long r = (long) (items * Math.pow(eta * u - eta + 1, alpha));
        return Math.min(Math.max(r, 0), items - 1);
    }

    /**
     * Draws after changing the item count to {@code newItems}.
     *
     * @param rnd the random source
     * @param newItems the item count, 1 or more
     * @return a rank in {@code [0, newItems)}
     */
    long next(SplittableRandom rnd, long newItems) {
        if (newItems != items) {
            resize(newItems);
        }
        return next(rnd);
    }

    private void resize(long newItems) {
        if (newItems < 1) {
            throw new IllegalArgumentException("items must be >= 1, got " + newItems);
        }
        if (newItems > items && newItems - items <= INCREMENTAL_LIMIT) {
            double z = zetaN;
            for (long i = items + 1; i <= newItems; i++) {
                z += 1.0 / Math.pow(i, theta);
            }
            zetaN = z;
        } else {
            zetaN = zeta(newItems, theta);
        }
        items = newItems;
        eta = eta();
    }

    private double eta() {
        return (1 - Math.pow(2.0 / items, 1 - theta)) / (1 - zeta2 / zetaN);
    }

    /**
     * The generalised harmonic number {@code sum(i = 1..n) 1 / i^theta}. Exact up to
     * {@link #EXACT_ZETA_LIMIT} terms; above, the first terms summed exactly and the tail by the
     * Euler-Maclaurin formula, accurate to about 1e-12 relative, so a count of 10^10 costs microseconds.
     *
     * @param n the number of terms, 0 or more
     * @param theta the exponent, {@code 0 < theta < 1}
     * @return the sum
     */
    static double zeta(long n, double theta) {
        if (n <= EXACT_ZETA_LIMIT) {
            double sum = 0;
            for (long i = 1; i <= n; i++) {
                sum += 1.0 / Math.pow(i, theta);
            }
            return sum;
        }
        long m = 1000;
        double sum = 0;
        for (long i = 1; i < m; i++) {
            sum += 1.0 / Math.pow(i, theta);
        }
        // sum(i = m..n) f(i) = integral(m..n) f + (f(m) + f(n)) / 2 + (f'(n) - f'(m)) / 12 - ...,
        // with f(x) = x^-theta and f'(x) = -theta x^(-theta-1); the next term is below 1e-15 at m = 1000.
        double integral = (Math.pow(n, 1 - theta) - Math.pow(m, 1 - theta)) / (1 - theta);
        double ends = (Math.pow(m, -theta) + Math.pow(n, -theta)) / 2;
        double slope = theta * (Math.pow(m, -theta - 1) - Math.pow(n, -theta - 1)) / 12;
        return sum + integral + ends + slope;
    }
}
