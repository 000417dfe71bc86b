package org.sdmstream.features.generate;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.sdmstream.features.Behavior;
import org.sdmstream.features.Click;

/**
 * A synthetic click stream for demos, benchmarks and tests: users with drifting interests over a
 * catalogue of items with categories, brands and shops, Zipf popularity within a category, sessions
 * separated by realistic gaps, and a learnable sequential pattern (items have likely successors).
 * Clicks come out in global event-time order, deterministic for a seed.
 */
public final class ClickGenerator implements Iterable<Click> {

    private final GeneratorConfig config;
    private final Catalogue catalogue;

    public ClickGenerator(GeneratorConfig config) {
        this.config = config;
        this.catalogue = new Catalogue(config);
    }

    public GeneratorConfig config() {
        return config;
    }

    /** The item catalogue: ids and side features, as the generator uses them. */
    public Catalogue catalogue() {
        return catalogue;
    }

    /** Endless (or {@code maxClicks}-bounded) clicks in event-time order. */
    @Override
    public Iterator<Click> iterator() {
        return new ClickIterator();
    }

    /** Items with their side features and popularity, grouped by category. */
    public static final class Catalogue {
        private final String[] itemCategory;
        private final String[] itemBrand;
        private final String[] itemShop;
        private final int[][] itemsByCategory;
        private final double[][] zipfCdfByCategory;

        /**
         * The item a user most likely clicks next after this one: the planted sequential pattern.
         */
        private final int[] successor;

        Catalogue(GeneratorConfig c) {
            SplittableRandom random = new SplittableRandom(c.seed() ^ 0x5DEECE66DL);
            int n = c.items();
            itemCategory = new String[n];
            itemBrand = new String[n];
            itemShop = new String[n];
            List<List<Integer>> byCategory = new ArrayList<>();
            for (int k = 0; k < c.categories(); k++) {
                byCategory.add(new ArrayList<>());
            }
            for (int i = 0; i < n; i++) {
                int category = random.nextInt(c.categories());
                byCategory.get(category).add(i);
                itemCategory[i] = "c" + category;
                // Brands and shops specialise: most of a brand's items fall in a few categories.
                itemBrand[i] =
                        "b"
                                + ((category * 7
                                                + random.nextInt(
                                                        Math.max(
                                                                1,
                                                                c.brands() / c.categories() + 1)))
                                        % c.brands());
                itemShop[i] = "s" + random.nextInt(c.shops());
            }
            itemsByCategory = new int[c.categories()][];
            zipfCdfByCategory = new double[c.categories()][];
            for (int k = 0; k < c.categories(); k++) {
                itemsByCategory[k] =
                        byCategory.get(k).stream().mapToInt(Integer::intValue).toArray();
                zipfCdfByCategory[k] = zipfCdf(itemsByCategory[k].length, c.zipfExponent());
            }
            successor = new int[n];
            for (int i = 0; i < n; i++) {
                int[] same = itemsByCategory[categoryIndex(i)];
                successor[i] = same[random.nextInt(same.length)];
            }
        }

        private static double[] zipfCdf(int size, double exponent) {
            double[] cdf = new double[size];
            double sum = 0;
            for (int r = 0; r < size; r++) {
                sum += 1.0 / Math.pow(r + 1, exponent);
                cdf[r] = sum;
            }
            for (int r = 0; r < size; r++) {
                cdf[r] /= sum;
            }
            return cdf;
        }

        int categoryIndex(int item) {
            return Integer.parseInt(itemCategory[item], 1, itemCategory[item].length(), 10);
        }

        int popularItemIn(int category, SplittableRandom random) {
            int[] items = itemsByCategory[category];
            if (items.length == 0) {
                return random.nextInt(itemCategory.length);
            }
            double u = random.nextDouble();
            double[] cdf = zipfCdfByCategory[category];
            int lo = 0;
            int hi = cdf.length - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cdf[mid] < u) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return items[lo];
        }

        public int size() {
            return itemCategory.length;
        }

        public String itemId(int item) {
            return "i" + item;
        }

        public Behavior behavior(int item, long time) {
            return new Behavior(
                    itemId(item), itemCategory[item], itemBrand[item], itemShop[item], time);
        }
    }

    /** One simulated user: interests over categories that drift from session to session. */
    private final class SimulatedUser {
        final String id;
        final SplittableRandom random;
        final Map<String, String> profile;
        final double[] interest;
        long nextTime;
        int leftInSession;
        int sessionCounter;
        int lastItem = -1;
        String clientSessionId;

        SimulatedUser(int index, long start) {
            this.id = "u" + index;
            this.random = new SplittableRandom(config.seed() * 31 + index);
            this.profile =
                    Map.of(
                            "age",
                            String.valueOf(10 * (1 + random.nextInt(6))),
                            "gender",
                            random.nextBoolean() ? "F" : "M");
            this.interest = new double[config.categories()];
            for (int favourite = 0; favourite < 3; favourite++) {
                interest[random.nextInt(interest.length)] += 1.0 / (favourite + 1);
            }
            // Users start at different moments of the first day.
            this.nextTime = start + (long) (random.nextDouble() * 86_400_000L);
            startSession();
        }

        void startSession() {
            sessionCounter++;
            // Geometric session length with the configured mean.
            leftInSession =
                    1
                            + (int)
                                    Math.floor(
                                            Math.log(1 - random.nextDouble())
                                                    / Math.log(
                                                            1 - 1.0 / config.meanSessionLength()));
            clientSessionId =
                    random.nextDouble() < config.missingSessionIdRate()
                            ? null
                            : id + "-s" + sessionCounter;
            if (random.nextDouble() < config.interestDrift()) {
                // Interest drift: a new favourite category gains weight, old ones fade.
                for (int k = 0; k < interest.length; k++) {
                    interest[k] *= 0.7;
                }
                interest[random.nextInt(interest.length)] += 1.0;
            }
            lastItem = -1;
        }

        Click next() {
            int item = chooseItem();
            Click click =
                    new Click(id, clientSessionId, catalogue.behavior(item, nextTime), profile);
            lastItem = item;
            if (--leftInSession > 0) {
                nextTime +=
                        (long) (-Math.log(1 - random.nextDouble()) * config.meanClickGapMillis());
            } else {
                // Between sessions: log-normal gap from minutes to days (median about 12 hours).
                double gapMinutes = Math.exp(Math.log(720) + 1.5 * gaussian());
                nextTime += Math.max(11 * 60_000L, (long) (gapMinutes * 60_000));
                startSession();
            }
            return click;
        }

        private int chooseItem() {
            if (lastItem >= 0 && random.nextDouble() < config.successorRate()) {
                return catalogue.successor[lastItem];
            }
            if (lastItem >= 0 && random.nextDouble() < 0.5) {
                return catalogue.popularItemIn(catalogue.categoryIndex(lastItem), random);
            }
            return catalogue.popularItemIn(sampleCategory(), random);
        }

        private int sampleCategory() {
            double total = 0;
            for (double w : interest) {
                total += w;
            }
            // A little exploration outside the user's interests.
            if (total == 0 || random.nextDouble() < 0.1) {
                return random.nextInt(interest.length);
            }
            double u = random.nextDouble() * total;
            for (int k = 0; k < interest.length; k++) {
                u -= interest[k];
                if (u <= 0) {
                    return k;
                }
            }
            return interest.length - 1;
        }

        private double gaussian() {
            // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
            double u1 = 1 - random.nextDouble();
            double u2 = random.nextDouble();
            return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        }
    }

    private final class ClickIterator implements Iterator<Click> {
        private final PriorityQueue<SimulatedUser> byNextTime =
                new PriorityQueue<>(
                        (a, b) ->
                                a.nextTime != b.nextTime
                                        ? Long.compare(a.nextTime, b.nextTime)
                                        : a.id.compareTo(b.id));
        private long emitted;

        ClickIterator() {
            for (int u = 0; u < config.users(); u++) {
                byNextTime.add(new SimulatedUser(u, config.startTimeMillis()));
            }
        }

        @Override
        public boolean hasNext() {
            return config.maxClicks() <= 0 || emitted < config.maxClicks();
        }

        @Override
        public Click next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            SimulatedUser user = byNextTime.poll();
            Click click = user.next();
            byNextTime.add(user);
            emitted++;
            return click;
        }
    }
}
