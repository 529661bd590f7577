package dev.jtune.data.corpus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardTest {

    @TempDir
    Path dir;

    private Path write(String name, TokenDType dtype, int vocab, int[] ids) throws IOException {
        Path file = dir.resolve(name);
        try (ShardWriter w = ShardWriter.create(file, dtype, vocab)) {
            w.write(ids);
            w.commit();
        }
        return file;
    }

    private static int[] all(TokenShard shard) {
        int[] out = new int[(int) shard.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = shard.get(i);
        }
        return out;
    }

    @Test
    void theDtypeFollowsTheVocabularySize() {
        assertEquals(TokenDType.UINT16, TokenDType.forVocabSize(512));
        assertEquals(TokenDType.UINT16, TokenDType.forVocabSize(65_536));
        assertEquals(TokenDType.UINT32, TokenDType.forVocabSize(65_537));
        assertEquals(TokenDType.UINT32, TokenDType.forVocabSize(128_256));
    }

    @Test
    void uint16IdsRoundTripAtTwoBytesEach() throws IOException {
        int[] ids = {0, 1, 2, 255, 256, 32_767, 32_768, 65_535};
        Path file = write("a.bin", TokenDType.UINT16, 65_536, ids);
        assertEquals(ShardHeader.SIZE + 2L * ids.length, Files.size(file));
        TokenShard shard = TokenShard.open(file);
        assertEquals(new ShardHeader(TokenDType.UINT16, 65_536, ids.length), shard.header());
        assertArrayEquals(ids, all(shard));
        byte[] head = Files.readAllBytes(file);
        assertEquals("JTOK", new String(head, 0, 4, StandardCharsets.US_ASCII));
    }

    @Test
    void uint32IdsRoundTripAtFourBytesEach() throws IOException {
        int[] ids = {0, 65_535, 65_536, 128_255, Integer.MAX_VALUE};
        Path file = write("b.bin", TokenDType.UINT32, 128_256, ids);
        assertEquals(ShardHeader.SIZE + 4L * ids.length, Files.size(file));
        assertArrayEquals(ids, all(TokenShard.open(file)));
    }

    @Test
    void anIdTooLargeForUint16IsRefusedAndNothingIsLeftBehind() throws IOException {
        Path file = dir.resolve("c.bin");
        try (ShardWriter w = ShardWriter.create(file, TokenDType.UINT16, 70_000)) {
            assertThrows(IllegalArgumentException.class, () -> w.write(new int[] {1, 65_536}));
        }
        assertFalse(Files.exists(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList());
        }
    }

    @Test
    void aCorruptShardIsRefusedWithItsName() throws IOException {
        Path file = write("d.bin", TokenDType.UINT16, 100, new int[] {1, 2, 3});
        byte[] bytes = Files.readAllBytes(file);
        Path cut = Files.write(dir.resolve("cut.bin"), Arrays.copyOf(bytes, bytes.length - 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenShard.open(cut));
        assertTrue(e.getMessage().contains("cut.bin") && e.getMessage().contains("promises 3"), e.getMessage());
        Path text = Files.writeString(dir.resolve("text.bin"), "this is not a shard, just some text");
        assertThrows(IllegalArgumentException.class, () -> TokenShard.open(text));
    }

    @Test
    void aStreamReadsAcrossShardsAndWindowsShiftTargetsByOne() throws IOException {
        Path a = write("s0.bin", TokenDType.UINT16, 100, new int[] {10, 11, 12});
        Path b = write("s1.bin", TokenDType.UINT16, 100, new int[] {13});
        Path c = write("s2.bin", TokenDType.UINT16, 100, new int[] {14, 15, 16, 17});
        TokenStream stream = TokenStream.open(List.of(a, b, c));
        assertEquals(8, stream.size());
        int[] window = new int[6];
        stream.read(1, window);
        assertArrayEquals(new int[] {11, 12, 13, 14, 15, 16}, window);
        assertEquals(17, stream.get(7));

        WindowSampler sampler = new WindowSampler(stream, 3, 42);
        assertEquals(new Window(2, new int[] {12, 13, 14}, new int[] {13, 14, 15}), sampler.at(2));
        assertEquals(2, sampler.windows());
        for (long step = 0; step < 200; step++) {
            Window w = sampler.sample(step);
            assertTrue(w.start() >= 0 && w.start() + 4 <= 8);
            assertEquals(w.start() + 10, w.input()[0]);
            assertEquals(w.input()[1], w.target()[0]);
            assertEquals(w, new WindowSampler(stream, 3, 42).sample(step));
        }
        assertEquals(5, LongStream.range(0, 200).map(s -> sampler.sample(s).start()).distinct()
                .count());
    }
}
