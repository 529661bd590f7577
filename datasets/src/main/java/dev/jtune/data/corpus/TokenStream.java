package dev.jtune.data.corpus;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Shards read as one stream of tokens, end to end, in order. */
public final class TokenStream {

    private final List<TokenShard> shards;
    private final long[] starts;
    private final long size;

    private TokenStream(List<TokenShard> shards) {
        this.shards = List.copyOf(shards);
        this.starts = new long[shards.size()];
        long total = 0;
        for (int i = 0; i < shards.size(); i++) {
            starts[i] = total;
            total += shards.get(i).size();
        }
        this.size = total;
    }

    /** The shards in order, memory-mapped. */
    public static TokenStream open(List<Path> shardFiles) throws IOException {
        List<TokenShard> shards = new ArrayList<>(shardFiles.size());
        for (Path file : shardFiles) {
            shards.add(TokenShard.open(file));
        }
        return new TokenStream(shards);
    }

    /** One split (such as {@link CorpusPreparer#TRAIN}) of a corpus that {@link CorpusPreparer} finished. */
    public static TokenStream open(Path corpusDir, String split) throws IOException {
        PreparedCorpus corpus = PreparedCorpus.read(corpusDir);
        List<Path> files = new ArrayList<>();
        for (String name : corpus.split(split).shards()) {
            files.add(corpusDir.resolve(name));
        }
        return open(files);
    }

    /** The number of tokens in all shards. */
    public long size() {
        return size;
    }

    /** The token at {@code index} of the whole stream. */
    public int get(long index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("token " + index + " of " + size);
        }
        int shard = shardOf(index);
        return shards.get(shard).get(index - starts[shard]);
    }

    /** Copies {@code dst.length} tokens starting at {@code start} into {@code dst}, across shard boundaries. */
    public void read(long start, int[] dst) {
        if (start < 0 || start + dst.length > size) {
            throw new IndexOutOfBoundsException("tokens " + start + ".." + (start + dst.length) + " of " + size);
        }
        int shard = shardOf(start);
        long offset = start - starts[shard];
        for (int i = 0; i < dst.length; i++) {
            while (offset == shards.get(shard).size()) {
                shard++;
                offset = 0;
            }
            dst[i] = shards.get(shard).get(offset++);
        }
    }

    private int shardOf(long index) {
        int lo = 0;
        int hi = starts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
