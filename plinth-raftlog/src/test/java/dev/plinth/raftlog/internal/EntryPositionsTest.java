package dev.plinth.raftlog.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Seeded random adds, truncates, front drops and clears against a plain list. */
class EntryPositionsTest {
    private record Pos(long seq, long pos, int field, long term) {
    }

    @Test
    void randomOperationsMatchAPlainList() {
        String one = System.getProperty("plinth.seed");
        long first = one == null || one.isBlank() ? 1 : Long.parseLong(one.trim());
        long seeds = one == null || one.isBlank() ? 20 : 1;
        for (long seed = first; seed < first + seeds; seed++) {
            Random rnd = new Random(seed);
            EntryPositions p = new EntryPositions();
            List<Pos> model = new ArrayList<>();
            long n = 0;
            for (int step = 0; step < 3000; step++) {
                int op = rnd.nextInt(100);
                if (op < 70) {
                    int k = 1 + rnd.nextInt(50);
                    for (int i = 0; i < k; i++, n++) {
                        Pos x = new Pos(n / 7, n * 3, (int) n ^ 0x8000_0000, n / 11);
                        p.add(x.seq(), x.pos(), x.field(), x.term());
                        model.add(x);
                    }
                } else if (op < 85) {
                    int k = rnd.nextInt(model.size() + 5);
                    p.dropFirst(k);
                    model.subList(0, Math.min(k, model.size())).clear();
                } else if (op < 98) {
                    int keep = rnd.nextInt(model.size() + 5);
                    p.truncate(keep);
                    if (keep < model.size()) {
                        model.subList(keep, model.size()).clear();
                    }
                } else {
                    p.clear();
                    model.clear();
                }
                assertThat(p.size()).as("seed " + seed + " (replay with -Dplinth.seed=" + seed + "), step " + step)
                        .isEqualTo(model.size());
                assertThat(p.isEmpty()).isEqualTo(model.isEmpty());
                if (!model.isEmpty()) {
                    for (int i : new int[] {0, model.size() / 2, model.size() - 1, rnd.nextInt(model.size())}) {
                        Pos x = model.get(i);
                        assertThat(new Pos(p.seq(i), p.pos(i), p.field(i), p.term(i))).as("seed " + seed + ", step "
                                + step + ", entry " + i).isEqualTo(x);
                    }
                }
            }
        }
    }

    @Test
    void anIndexOutsideTheEntriesIsRefused() {
        EntryPositions p = new EntryPositions();
        p.add(1, 2, 3, 4);
        p.add(5, 6, 7, 8);
        p.dropFirst(1);
        assertThat(p.seq(0)).isEqualTo(5);
        assertThatThrownBy(() -> p.seq(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> p.term(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
