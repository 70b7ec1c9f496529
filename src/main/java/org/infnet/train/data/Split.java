package org.infnet.train.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A deterministic train/validation split.
 *
 * <p>{@link #of} sorts nothing and relies only on the input order and the seed: the same list and
 * seed always give the same split (a Fisher-Yates shuffle with {@link java.util.Random}, whose
 * sequence is specified by the JDK). The two lists are disjoint, immutable, and together contain
 * every input element exactly once; each keeps the input's relative order.
 *
 * @param train      training elements
 * @param validation validation elements
 * @param <T>        element type, typically sample names
 */
public record Split<T>(List<T> train, List<T> validation) {

    /** Makes both lists immutable copies. */
    public Split {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
    }

    /**
     * Splits {@code items} into {@code validationCount} validation elements chosen by a seeded
     * shuffle, the rest for training.
     *
     * @throws IllegalArgumentException if {@code validationCount} is negative or larger than the
     *                                  list
     */
    public static <T> Split<T> of(List<T> items, int validationCount, long seed) {
        if (validationCount < 0 || validationCount > items.size()) {
            throw new IllegalArgumentException("validationCount " + validationCount + " not in [0," + items.size() + "]");
        }
        List<Integer> idx = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            idx.add(i);
        }
        Collections.shuffle(idx, new Random(seed));
        boolean[] val = new boolean[items.size()];
        for (int i = 0; i < validationCount; i++) {
            val[idx.get(i)] = true;
        }
        List<T> tr = new ArrayList<>(), va = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            (val[i] ? va : tr).add(items.get(i));
        }
        return new Split<>(tr, va);
    }
}
