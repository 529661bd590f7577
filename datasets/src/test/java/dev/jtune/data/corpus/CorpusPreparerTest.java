package dev.jtune.data.corpus;

import dev.jtune.data.CharTokenizer;
import dev.jtune.data.ErrorPolicy;
import dev.jtune.data.TextDocument;
import dev.jtune.data.io.DocumentReader;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CorpusPreparerTest {

    @TempDir
    Path dir;

    private static List<String> documents(TokenStream stream) {
        List<String> docs = new ArrayList<>();
        StringBuilder doc = new StringBuilder();
        for (long i = 0; i < stream.size(); i++) {
            int id = stream.get(i);
            if (id == CharTokenizer.EOS) {
                docs.add(doc.toString());
                doc.setLength(0);
            } else {
                doc.append((char) id);
            }
        }
        assertEquals(0, doc.length(), "the stream ends with a separator");
        return docs;
    }

    private Path twentyDocuments() throws IOException {
        String text = IntStream.range(0, 20).mapToObj(i -> "doc " + i + "\nline." + "x".repeat(i))
                .collect(Collectors.joining("\n\n"));
        return Files.writeString(dir.resolve("docs.txt"), text);
    }

    private static CorpusOptions options(double fraction, long seed, int tokensPerShard) {
        return new CorpusOptions(fraction, seed, tokensPerShard, null, ErrorPolicy.FAIL);
    }

    @Test
    void documentsSplitExactlyAndRoundTripWithAnEosAfterEach() throws IOException {
        Path out = dir.resolve("corpus");
        PreparedCorpus corpus = new CorpusPreparer(new CharTokenizer(), options(0.25, 1, 16))
                .prepare(List.of(twentyDocuments()), out);
        assertEquals(TokenDType.UINT16, corpus.dtype());
        assertEquals(15, corpus.train().documents());
        assertEquals(5, corpus.validation().documents());

        List<String> train = documents(TokenStream.open(out, CorpusPreparer.TRAIN));
        List<String> validation = documents(TokenStream.open(out, CorpusPreparer.VALIDATION));
        assertEquals(15, train.size());
        assertEquals(5, validation.size());
        List<String> expected = IntStream.range(0, 20).mapToObj(i -> "doc " + i + "\nline." + "x".repeat(i)).toList();
        List<String> merged = new ArrayList<>(train);
        merged.addAll(validation);
        merged.sort(Comparator.comparingInt(expected::indexOf));
        assertEquals(expected, merged);
        assertEquals(expected.stream().filter(train::contains).toList(), train, "file order within a split");

        long trainTokens = train.stream().mapToLong(d -> d.length() + 1).sum();
        assertEquals(trainTokens, corpus.train().tokens());
        assertEquals((trainTokens + 15) / 16, corpus.train().shards().size());
        assertEquals("train-00000.bin", corpus.train().shards().get(0));
        assertEquals(corpus, PreparedCorpus.read(out));
        try (Stream<Path> files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void theSeedDecidesTheSplitAndRepeatsIt() throws IOException {
        Path input = twentyDocuments();
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Path c = dir.resolve("c");
        new CorpusPreparer(new CharTokenizer(), options(0.25, 7, 1000)).prepare(List.of(input), a);
        new CorpusPreparer(new CharTokenizer(), options(0.25, 7, 1000)).prepare(List.of(input), b);
        new CorpusPreparer(new CharTokenizer(), options(0.25, 8, 1000)).prepare(List.of(input), c);
        List<String> va = documents(TokenStream.open(a, CorpusPreparer.VALIDATION));
        assertEquals(va, documents(TokenStream.open(b, CorpusPreparer.VALIDATION)));
        assertNotEquals(va, documents(TokenStream.open(c, CorpusPreparer.VALIDATION)));
    }

    @Test
    void aLargeVocabularyGivesUint32ShardsAndRerunsReplaceOldShards() throws IOException {
        Path out = dir.resolve("big");
        Path input = twentyDocuments();
        new CorpusPreparer(new CharTokenizer(), options(0.1, 1, 8)).prepare(List.of(input), out);
        PreparedCorpus corpus = new CorpusPreparer(new CharTokenizer(100_000), options(0.1, 1, 1_000))
                .prepare(List.of(input), out);
        assertEquals(TokenDType.UINT32, corpus.dtype());
        assertEquals(List.of("train-00000.bin"), corpus.train().shards());
        Path shard = out.resolve("train-00000.bin");
        assertEquals(ShardHeader.SIZE + 4 * corpus.train().tokens(), Files.size(shard));
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(3, files.count(), "manifest and one shard per split, none left from the first run");
        }
    }

    @Test
    void aFolderWithoutAManifestIsNoCorpus() {
        IOException e = assertThrows(IOException.class, () -> TokenStream.open(dir, CorpusPreparer.TRAIN));
        assertTrue(e.getMessage().contains(PreparedCorpus.MANIFEST));
    }

    @Test
    void tinyShakespeareAndC4DemoTokenizeWhole() throws IOException {
        Path shakespeare = Fixtures.path("data/tinyshakespeare/input_first90.txt");
        Path c4 = Fixtures.path("data/c4_demo/c4_demo_part1.jsonl");
        List<TextDocument> paragraphs = new DocumentReader().readAll(shakespeare).records();
        List<TextDocument> pages = new DocumentReader().readAll(c4).records();
        assertEquals(255, pages.size());
        long chars = Stream.concat(paragraphs.stream(), pages.stream()).mapToLong(d -> d.text().length()).sum();
        long docs = paragraphs.size() + pages.size();

        Path out = dir.resolve("mixed");
        PreparedCorpus corpus = new CorpusPreparer(new CharTokenizer(65_536), options(0.1, 3, 500_000))
                .prepare(List.of(shakespeare, c4), out);
        assertEquals(docs, corpus.train().documents() + corpus.validation().documents());
        assertEquals(Math.round(0.1 * docs), corpus.validation().documents());
        assertEquals(chars + docs, corpus.train().tokens() + corpus.validation().tokens());
        assertEquals(3, corpus.train().shards().size());
        TokenStream train = TokenStream.open(out, CorpusPreparer.TRAIN);
        assertEquals(corpus.train().tokens(), train.size());
        Window w = new WindowSampler(train, 256, 0).sample(12);
        assertEquals(w.input()[100], w.target()[99]);
    }
}
