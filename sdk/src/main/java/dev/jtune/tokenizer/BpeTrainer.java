package dev.jtune.tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;

/**
 * Trains a byte-level BPE the way GPT-2 and LLaMA-3 tokenizers are built. Text is split with the LLaMA-3 regex, each
 * piece becomes its UTF-8 bytes, and the most frequent adjacent pair of symbols is merged into a new symbol until
 * the vocabulary is full. Pair counts are updated incrementally: an index from each pair to the words holding it
 * limits the work of a merge to the words it changes, and a priority queue with lazy invalidation finds the next
 * pair (an entry whose count is stale is pushed back with the current count). Ties go to the smaller pair of ids,
 * so training is deterministic.
 */
public final class BpeTrainer {

    private final BpeTrainerConfig config;

    /** A trainer with the given settings. */
    public BpeTrainer(BpeTrainerConfig config) {
        this.config = config;
    }

    /** Trains on UTF-8 text files. */
    public BpeModel train(List<Path> files) throws IOException {
        List<String> texts = new ArrayList<>();
        for (Path file : files) {
            texts.add(Files.readString(file, StandardCharsets.UTF_8));
        }
        return trainOnTexts(texts);
    }

    /** Trains on texts held in memory. */
    public BpeModel trainOnTexts(Iterable<String> texts) {
        Words words = Words.of(texts);
        List<byte[]> tokenBytes = new ArrayList<>();
        Map<ByteBuffer, Integer> idOfBytes = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            byte[] single = {(byte) b};
            tokenBytes.add(single);
            idOfBytes.put(ByteBuffer.wrap(single), b);
        }
        PairIndex pairs = new PairIndex();
        for (int w = 0; w < words.count.length; w++) {
            int[] s = words.symbols[w];
            for (int i = 0; i + 1 < s.length; i++) {
                pairs.add(s[i], s[i + 1], words.count[w], w);
            }
        }
        PriorityQueue<Candidate> queue = new PriorityQueue<>(Candidate.ORDER);
        pairs.stats.forEach((key, stat) -> queue.add(new Candidate(stat.count, key)));

        int maxTokens = config.vocabSize() - config.specialTokens().size();
        List<int[]> merges = new ArrayList<>();
        while (tokenBytes.size() < maxTokens && !queue.isEmpty()) {
            Candidate top = queue.poll();
            PairStat stat = pairs.stats.get(top.pair);
            if (stat == null || stat.count <= 0) {
                continue;
            }
            if (stat.count != top.count) {
                queue.add(new Candidate(stat.count, top.pair));
                continue;
            }
            if (top.count < config.minFrequency()) {
                break;
            }
            int a = (int) (top.pair >>> 32);
            int b = (int) top.pair;
            byte[] merged = concat(tokenBytes.get(a), tokenBytes.get(b));
            // Two merge paths can spell the same bytes ("ab"+"c", "a"+"bc"): they share one id, as in HF tokenizers.
            Integer existing = idOfBytes.get(ByteBuffer.wrap(merged));
            int id = existing != null ? existing : tokenBytes.size();
            if (existing == null) {
                tokenBytes.add(merged);
                idOfBytes.put(ByteBuffer.wrap(merged), id);
            }
            merges.add(new int[]{a, b});
            pairs.stats.remove(top.pair);
            Set<Long> grown = new TreeSet<>();
            for (int w : stat.wordsSnapshot()) {
                words.merge(w, a, b, id, pairs, grown);
            }
            for (long pair : grown) {
                PairStat s = pairs.stats.get(pair);
                if (s != null && s.count > 0) {
                    queue.add(new Candidate(s.count, pair));
                }
            }
        }
        return new BpeModel(tokenBytes, merges, config);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static long key(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    /** A pair and the count it had when queued. */
    private record Candidate(long count, long pair) {
        /** Highest count first; equal counts by first id, then second id. */
        static final Comparator<Candidate> ORDER = Comparator.comparingLong((Candidate c) -> -c.count)
                .thenComparingLong(c -> c.pair);
    }

    /** How often a pair occurs (weighted by word frequency) and the words that may hold it. */
    private static final class PairStat {
        long count;
        int[] words = new int[4];
        int size;

        void addWord(int w) {
            if (size > 0 && words[size - 1] == w) {
                return;
            }
            if (size == words.length) {
                words = Arrays.copyOf(words, size * 2);
            }
            words[size++] = w;
        }

        int[] wordsSnapshot() {
            return Arrays.copyOf(words, size);
        }
    }

    /** Pair counts and the pair-to-words index. Word lists may hold words that lost the pair; merging skips them. */
    private static final class PairIndex {
        final Map<Long, PairStat> stats = new HashMap<>();

        void add(int a, int b, long count, int word) {
            PairStat stat = stats.computeIfAbsent(key(a, b), k -> new PairStat());
            stat.count += count;
            stat.addWord(word);
        }

        void subtract(long pair, long count) {
            PairStat stat = stats.get(pair);
            if (stat != null) {
                stat.count -= count;
            }
        }
    }

    /** The distinct pre-tokens as symbol sequences, with how often each occurs. */
    private static final class Words {
        final int[][] symbols;
        final long[] count;

        private Words(int[][] symbols, long[] count) {
            this.symbols = symbols;
            this.count = count;
        }

        static Words of(Iterable<String> texts) {
            Map<String, Long> frequency = new HashMap<>();
            for (String text : texts) {
                Matcher m = PreTokenizerRegex.PATTERN.matcher(text);
                while (m.find()) {
                    frequency.merge(m.group(), 1L, Long::sum);
                }
            }
            // Sorted, so that word indices (and with them every tie) do not depend on hash order.
            String[] pieces = frequency.keySet().toArray(new String[0]);
            Arrays.sort(pieces);
            int[][] symbols = new int[pieces.length][];
            long[] count = new long[pieces.length];
            for (int w = 0; w < pieces.length; w++) {
                byte[] bytes = pieces[w].getBytes(StandardCharsets.UTF_8);
                symbols[w] = new int[bytes.length];
                for (int i = 0; i < bytes.length; i++) {
                    symbols[w][i] = bytes[i] & 0xFF;
                }
                count[w] = frequency.get(pieces[w]);
            }
            return new Words(symbols, count);
        }

        /**
         * Replaces each (a, b) in word w by id, left to right, and moves the word's pair counts from its old pairs to
         * its new ones. Pairs whose count grew are put in {@code grown}.
         */
        void merge(int w, int a, int b, int id, PairIndex pairs, Set<Long> grown) {
            int[] s = symbols[w];
            int[] t = new int[s.length];
            int n = 0;
            for (int i = 0; i < s.length; i++) {
                if (i + 1 < s.length && s[i] == a && s[i + 1] == b) {
                    t[n++] = id;
                    i++;
                } else {
                    t[n++] = s[i];
                }
            }
            if (n == s.length) {
                return; // a stale entry of the index: this word no longer holds the pair
            }
            t = Arrays.copyOf(t, n);
            long[] before = pairKeys(s);
            long[] after = pairKeys(t);
            // Walk both sorted lists: pairs only in `before` lose this word's count, pairs only in `after` gain it.
            int i = 0;
            int j = 0;
            while (i < before.length || j < after.length) {
                if (j == after.length || (i < before.length && before[i] < after[j])) {
                    pairs.subtract(before[i++], count[w]);
                } else if (i == before.length || after[j] < before[i]) {
                    long pair = after[j++];
                    pairs.add((int) (pair >>> 32), (int) pair, count[w], w);
                    grown.add(pair);
                } else {
                    i++;
                    j++;
                }
            }
            symbols[w] = t;
        }

        private static long[] pairKeys(int[] s) {
            long[] keys = new long[Math.max(0, s.length - 1)];
            for (int i = 0; i + 1 < s.length; i++) {
                keys[i] = key(s[i], s[i + 1]);
            }
            Arrays.sort(keys);
            return keys;
        }
    }
}
