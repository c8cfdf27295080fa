package dev.plinth.internal;

/**
 * {@link IntegrityCheckTest}'s cases over engine cursors that lend each entry
 * ({@link dev.plinth.spi.EngineCursor#lend}) from direct buffers at an offset, so that the core's checks of
 * lent entries in place, and its cursors' copies out of them, meet every kind of damage too.
 */
class IntegrityCheckLendingTest extends IntegrityCheckTest {
    @Override
    boolean lends() {
        return true;
    }
}
