package org.infnet.train.data;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SplitTest {

    private static List<String> names(int n) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add("s" + i);
        }
        return l;
    }

    @Test
    void deterministicDisjointAndComplete() {
        List<String> all = names(50);
        Split<String> a = Split.of(all, 10, 42), b = Split.of(all, 10, 42), c = Split.of(all, 10, 43);
        assertEquals(a, b);
        assertNotEquals(a.validation(), c.validation());
        assertEquals(40, a.train().size());
        assertEquals(10, a.validation().size());
        Set<String> union = new HashSet<>(a.train());
        union.addAll(a.validation());
        assertEquals(new HashSet<>(all), union);
        assertTrue(a.train().stream().noneMatch(a.validation()::contains));
        // input order is kept within each part
        assertEquals(a.train().stream().sorted((x, y) -> Integer.compare(all.indexOf(x), all.indexOf(y))).toList(), a.train());
    }

    @Test
    void edgeCounts() {
        assertEquals(List.of(), Split.of(names(5), 0, 1).validation());
        assertEquals(List.of(), Split.of(names(5), 5, 1).train());
        assertThrows(IllegalArgumentException.class, () -> Split.of(names(5), 6, 1));
        assertThrows(IllegalArgumentException.class, () -> Split.of(names(5), -1, 1));
        assertThrows(UnsupportedOperationException.class, () -> Split.of(names(5), 2, 1).train().add("x"));
    }
}
